import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/control-plane/config.js';
import { PROVIDER_FACTORIES, providerConfigSchemas } from '../../src/provider-factories.js';
import { type TempDir, makeTempDir } from '../support/temp-dir.js';

let dir: TempDir;

beforeEach(() => {
  dir = makeTempDir('config');
});

afterEach(() => dir.remove());

const load = (env: NodeJS.ProcessEnv) => loadConfig(env, providerConfigSchemas());

function file(name: string, text: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('defaults to 127.0.0.1:8787, ./data and the OrbStack local provider', () => {
    const config = load({});
    expect(config.settings).toMatchObject({ host: '127.0.0.1', port: 8787, dataDir: './data', owner: 'hangar' });
    expect(config.providers.map((provider) => provider.name)).toEqual(['orbstack']);
    expect(config.providers[0]?.config).toMatchObject({ driver: 'local', seed: 1 });
  });

  it('reads YAML and lets the environment override it', () => {
    const path = file(
      'hangar.yaml',
      ['port: 9000', 'owner: team-a', 'providers:', '  orbstack:', '    seed: 9', '    bootDelayMs: {min: 0, max: 5}'].join('\n'),
    );
    const config = load({ HANGAR_CONFIG: path, PORT: '9100', HOST: '0.0.0.0', HANGAR_DATA_DIR: '/tmp/x' });
    expect(config.settings).toMatchObject({ port: 9100, host: '0.0.0.0', dataDir: '/tmp/x', owner: 'team-a' });
    expect(config.providers[0]?.config).toMatchObject({ seed: 9, bootDelayMs: { min: 0, max: 5 } });
  });

  it('reads JSON', () => {
    const path = file('hangar.json', JSON.stringify({ logLevel: 'warn', providers: { orbstack: { seed: 4 } } }));
    const config = load({ HANGAR_CONFIG: path });
    expect(config.settings.logLevel).toBe('warn');
    expect(config.providers[0]?.config).toMatchObject({ seed: 4 });
  });

  it('names the bad key in a provider section', () => {
    const path = file('bad.yaml', 'providers:\n  orbstack:\n    driver: docker\n');
    expect(errorOf(() => load({ HANGAR_CONFIG: path }))).toContain('providers.orbstack.driver');
  });

  it('names an unknown key', () => {
    const path = file('bad.yaml', 'prot: 80\nreconcile:\n  reconcileIntervalMs: 5\n  lostgraceMs: 3\n');
    const message = errorOf(() => load({ HANGAR_CONFIG: path }));
    expect(message).toContain('prot');
    expect(message).toContain('reconcile.lostgraceMs');
  });

  it('rejects reconcile overrides for a provider that does not exist', () => {
    const path = file('typo.yaml', 'reconcile:\n  providers:\n    orbstak:\n      lostGraceMs: 5\n');
    expect(errorOf(() => load({ HANGAR_CONFIG: path }))).toContain('reconcile.providers.orbstak');
  });

  it('rejects bad environment values and unknown providers', () => {
    expect(errorOf(() => load({ PORT: 'eighty' }))).toContain('PORT');
    expect(errorOf(() => load({ HANGAR_PROVIDERS: 'orbstack,nimbus' }))).toContain('unknown provider "nimbus"');
    expect(errorOf(() => load({ HANGAR_OWNER: 'Not Valid' }))).toContain('owner');
  });

  it('checks every provider section, enabled or not', () => {
    expect(errorOf(() => load({ HANGAR_CONFIG: file('a.yaml', 'providers:\n  orbstack: 5\n') }))).toContain('providers.orbstack');
    expect(errorOf(() => load({ HANGAR_CONFIG: file('b.yaml', 'providers:\n  orbstack:\n    enabled: "no"\n') }))).toContain(
      'providers.orbstack.enabled',
    );
    const typo = file('c.yaml', 'providers:\n  orbstack:\n    enabled: false\n    sed: 3\n');
    expect(errorOf(() => load({ HANGAR_CONFIG: typo, HANGAR_PROVIDERS: 'orbstack' }))).toContain('providers.orbstack.sed');
    expect(errorOf(() => load({ HANGAR_CONFIG: file('d.yaml', 'providers:\n  nimbus: {}\n') }))).toContain('unknown provider "nimbus"');
  });

  it('rejects a file that is not YAML or JSON, or not a mapping', () => {
    expect(errorOf(() => load({ HANGAR_CONFIG: file('broken.yaml', 'a: [1, 2\n') }))).toContain('neither valid YAML nor JSON');
    expect(errorOf(() => load({ HANGAR_CONFIG: file('list.yaml', '- 1\n- 2\n') }))).toContain('mapping');
    expect(errorOf(() => load({ HANGAR_CONFIG: join(dir.path, 'missing.yaml') }))).toContain('cannot read');
  });

  it('enables providers from HANGAR_PROVIDERS, else from the file, skipping enabled: false', () => {
    const path = file('two.yaml', 'providers:\n  orbstack:\n    enabled: false\n');
    expect(errorOf(() => load({ HANGAR_CONFIG: path }))).toContain('no provider is enabled');
    expect(load({ HANGAR_CONFIG: path, HANGAR_PROVIDERS: 'orbstack' }).providers.map((provider) => provider.name)).toEqual([
      'orbstack',
    ]);
  });
});

describe('chaos configuration', () => {
  it('validates providers.orbstack.chaos, naming the bad key', () => {
    const path = file('chaos.yaml', 'providers:\n  orbstack:\n    chaos:\n      seed: 1\n      faults:\n        - operation: spawn\n          code: BOOM\n');
    expect(errorOf(() => load({ HANGAR_CONFIG: path }))).toContain('providers.orbstack.chaos.faults.0.code');
    const good = file('good.yaml', 'providers:\n  orbstack:\n    chaos: {preset: spot-storm, seed: 9}\n');
    expect(load({ HANGAR_CONFIG: good }).providers[0]?.config).toMatchObject({ chaos: { preset: 'spot-storm', seed: 9 } });
  });

  it('loads HANGAR_CHAOS over the config file, and refuses a bad one', () => {
    const factory = PROVIDER_FACTORIES.orbstack;
    if (!factory) throw new Error('orbstack factory missing');
    const config = factory.configSchema.parse({});
    const scenario = file('scenario.json', JSON.stringify({ seed: 42, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', probability: 0.5 }] }));
    const registration = factory.create(config, { dataDir: dir.path, owner: 'hangar', env: { HANGAR_CHAOS: scenario } });
    expect(registration.chaos?.status()).toMatchObject({ enabled: true, scenario: { seed: 42 } });
    const bad = file('bad.yaml', 'seed: 1\nfaults: [{operation: spawn, probability: 3, code: NOT_FOUND}]\n');
    expect(() => factory.create(config, { dataDir: dir.path, owner: 'hangar', env: { HANGAR_CHAOS: bad } })).toThrow(/HANGAR_CHAOS.*faults\.0\.probability/);
  });
});

describe('the providers file (PROVIDERS_CONFIG_PATH)', () => {
  it('maps capabilities to adapters: compute enables the listed providers in order, llm_gateway selects the LLM providers', () => {
    const providers = file('providers.yaml', 'adapters:\n  orbstack: {}\n  runpod: {kind: runpod, apiKey: rpa_TESTKEY000000000000000000000}\ncapabilities:\n  compute: [orbstack]\n  llm_gateway: [mock, openai]\n');
    const config = load({ PROVIDERS_CONFIG_PATH: providers });
    expect(config.providers.map((provider) => provider.name)).toEqual(['orbstack']);
    expect(Object.keys(config.settings.llm.providers).sort()).toEqual(['mock', 'openai']);
  });

  it('holds several adapters of one kind: each validated by its kind, the unmapped one configured but not enabled', () => {
    const providers = file('kinds.yaml', 'adapters:\n  orbstack: {}\n  orbstack-next: {kind: orbstack, seed: 7}\n  runpod-next: {kind: runpod, gpuCounts: [1, 2]}\ncapabilities:\n  compute: [orbstack, orbstack-next]\n');
    const config = load({ PROVIDERS_CONFIG_PATH: providers });
    expect(config.providers.map((provider) => [provider.name, provider.kind])).toEqual([
      ['orbstack', 'orbstack'],
      ['orbstack-next', 'orbstack'],
    ]);
    expect(config.adapters.map((adapter) => [adapter.name, adapter.kind])).toEqual([
      ['orbstack', 'orbstack'],
      ['orbstack-next', 'orbstack'],
      ['runpod-next', 'runpod'],
    ]);
    expect(config.adapters.find((adapter) => adapter.name === 'runpod-next')?.config).toMatchObject({ gpuCounts: [1, 2], cloud: 'SECURE' });
  });

  it('replaces the providers section of HANGAR_CONFIG, and says what is wrong with a bad file', () => {
    const main = file('hangar.yaml', 'providers:\n  runpod: {apiKey: rpa_TESTKEY000000000000000000000}\nllm:\n  providers:\n    openai: {}\n    anthropic: {}\n');
    const providers = file('providers.yaml', 'capabilities:\n  compute: [orbstack]\n  llm_gateway: anthropic\n');
    const config = load({ HANGAR_CONFIG: main, PROVIDERS_CONFIG_PATH: providers });
    expect(config.providers.map((provider) => provider.name)).toEqual(['orbstack']);
    expect(config.settings.llm.providers).toMatchObject({ anthropic: { enabled: true }, openai: { enabled: false } });
    expect(errorOf(() => load({ PROVIDERS_CONFIG_PATH: file('a.yaml', 'adapters:\n  runpod-next: {kind: nimbus}\n') }))).toContain('providers.runpod-next.kind: unknown provider "nimbus"');
    expect(errorOf(() => load({ PROVIDERS_CONFIG_PATH: file('a2.yaml', 'adapters:\n  Runpod_Next: {kind: runpod}\n') }))).toContain('an adapter name is lower-case');
    expect(errorOf(() => load({ PROVIDERS_CONFIG_PATH: file('a3.yaml', 'adapters:\n  runpod-next: {kind: runpod, gpuCounts: [0]}\n') }))).toContain('providers.runpod-next.gpuCounts');
    expect(errorOf(() => load({ PROVIDERS_CONFIG_PATH: file('b.yaml', 'mapping: {}\n') }))).toContain('unknown key mapping');
    expect(errorOf(() => load({ PROVIDERS_CONFIG_PATH: file('c.yaml', 'capabilities:\n  storage: [s3]\n') }))).toContain('unknown capability storage');
    expect(errorOf(() => load({ PROVIDERS_CONFIG_PATH: file('d.yaml', 'capabilities:\n  compute: [nimbus]\n') }))).toContain('unknown provider "nimbus"');
    expect(errorOf(() => load({ PROVIDERS_CONFIG_PATH: join(dir.path, 'missing.yaml') }))).toContain('cannot read config file');
  });
});
