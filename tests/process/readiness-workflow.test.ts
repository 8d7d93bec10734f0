import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { freePort } from '../../bench/free-port.js';
import { loadConfig } from '../../src/control-plane/config.js';
import { providerConfigSchemas } from '../../src/provider-factories.js';
import { loadRegistrations } from '../../src/provider-registrations.js';
import { type TempDir, makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { type ServiceProcess, connectionRefused, root, startService } from './service-process.js';

/**
 * .github/workflows/provider-readiness.yml: its structure (triggers, the steps in order, the readiness
 * command and the artifact it uploads), the config file it runs with (loads, and points each provider
 * at the emulator the workflow starts), and the run itself: the three emulators started by their npm
 * scripts, `npm run readiness` with the workflow's environment, every provider ready.
 */

const WORKFLOW = join(root, '.github', 'workflows', 'provider-readiness.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; env?: Record<string, string>; steps: Step[] }>;
}

const workflow = parseYaml(readFileSync(WORKFLOW, 'utf8')) as Workflow;
const [jobName, job] = Object.entries(workflow.jobs)[0]!;
const steps = job.steps;

const indexOf = (what: string, matches: (step: Step) => boolean): number => {
  const index = steps.findIndex(matches);
  expect(index, `the workflow has a step that ${what}`).toBeGreaterThanOrEqual(0);
  return index;
};
const runs = (pattern: RegExp) => (step: Step) => step.run !== undefined && pattern.test(step.run);
const uses = (action: string) => (step: Step) => step.uses?.split('@')[0] === action;

/** `PORT=<n> … npm run emulator:<name>` lines of the emulator step: name -> port. */
function emulatorPorts(script: string): Record<string, number> {
  return Object.fromEntries([...script.matchAll(/PORT=(\d+)\s+(?:nohup\s+)?npm run emulator:([\w-]+)/g)].map((match) => [match[2]!, Number(match[1])]));
}

const readinessStep = () => steps[indexOf('runs npm run readiness', runs(/npm run readiness\b/))]!;
const outPath = () => /--out\s+(\S+)/.exec(readinessStep().run!)?.[1];
/** The environment the readiness step runs with (the job's, then the step's), `${{ … }}` expressions left out. */
const stepEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries({ ...job.env, ...readinessStep().env }).filter(([, value]) => !String(value).includes('${{')));
const configPath = () => join(root, stepEnv().HANGAR_CONFIG ?? '(HANGAR_CONFIG is not set)');

/** Where each provider of the config sends its requests: the URLs the emulators must answer. */
function providerUrls(providers: Record<string, Record<string, unknown>>, llm: Record<string, Record<string, unknown>>): Record<string, string[]> {
  const aws = providers.aws ?? {};
  return {
    openai: [String(llm.openai?.baseUrl)],
    anthropic: [String(llm.anthropic?.baseUrl)],
    openrouter: [String(llm.openrouter?.baseUrl)],
    ec2: [aws.endpoint, (aws.pricing as Record<string, unknown> | undefined)?.endpoint].map(String),
    'lambda-labs': [String(providers['lambda-labs']?.baseUrl)],
    runpod: [String(providers.runpod?.baseUrl), String(providers.runpod?.graphqlUrl)],
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

describe('the provider-readiness workflow', () => {
  it('runs on push and on a schedule', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'schedule']));
    const schedule = workflow.on.schedule as { cron: string }[];
    expect(schedule.length).toBeGreaterThan(0);
    for (const { cron } of schedule) expect(cron.trim().split(/\s+/)).toHaveLength(5);
    expect(jobName).toBe('readiness');
    expect(job['runs-on']).toMatch(/^ubuntu-/);
  });

  it('checks out, sets up Node 20, installs with npm ci, starts the emulators, runs the readiness CLI, uploads its artifact: in that order', () => {
    const checkout = indexOf('checks out', uses('actions/checkout'));
    const node = indexOf('sets up Node', uses('actions/setup-node'));
    expect(String(steps[node]!.with?.['node-version'])).toBe('20');
    const install = indexOf('runs npm ci', runs(/^npm ci\b/m));
    const emulators = indexOf('starts the emulators', runs(/npm run emulator:/));
    const readiness = indexOf('runs npm run readiness', runs(/npm run readiness\b/));
    const upload = indexOf('uploads the artifact', uses('actions/upload-artifact'));
    expect([checkout, node, install, emulators, readiness, upload]).toEqual([...[checkout, node, install, emulators, readiness, upload]].sort((a, b) => a - b));
    expect(new Set([checkout, node, install, emulators, readiness, upload]).size).toBe(6);

    expect(Object.keys(emulatorPorts(steps[emulators]!.run!)).sort()).toEqual(['anthropic', 'ec2', 'lambda-labs', 'openai', 'openrouter', 'runpod']);
    expect(steps[readiness]!.run!.trim()).toMatch(/^npm run readiness -- --out \S+$/);
    const uploadStep = steps[upload]!;
    expect(uploadStep.uses).toBe('actions/upload-artifact@v4');
    // Uploaded whether the providers were ready or not: the failed evidence is what one wants to read.
    expect(uploadStep.if).toBe('always()');
    expect(uploadStep.with?.path).toBe(outPath());
    expect(uploadStep.with?.['if-no-files-found']).toBe('error');
  });

  it('runs with a config file in the repository that loads, enables every provider and points each at the emulator the workflow starts', async () => {
    const env = stepEnv();
    expect(existsSync(configPath())).toBe(true);
    const config = loadConfig({ HANGAR_CONFIG: configPath() }, providerConfigSchemas());
    expect(config.providers.map((provider) => provider.name).sort()).toEqual(['aws', 'lambda-labs', 'orbstack', 'runpod']);
    expect(config.settings.readiness.requiredProviders?.slice().sort()).toEqual(['anthropic', 'aws', 'lambda-labs', 'openai', 'openrouter', 'orbstack', 'runpod']);
    expect(Object.keys(config.settings.llm.providers).sort()).toEqual(['anthropic', 'openai', 'openrouter']);

    const ports = emulatorPorts(steps[indexOf('starts the emulators', runs(/npm run emulator:/))]!.run!);
    const file = parseYaml(readFileSync(configPath(), 'utf8')) as { providers: Record<string, Record<string, unknown>>; llm: { providers: Record<string, Record<string, unknown>> } };
    for (const [emulator, urls] of Object.entries(providerUrls(file.providers, file.llm.providers))) {
      for (const url of urls) expect(`${emulator}: ${new URL(url).host}`).toBe(`${emulator}: 127.0.0.1:${ports[emulator]}`);
    }
    // Every factory accepts it with the workflow's environment (keys present, URLs valid); nothing is called yet.
    const { registrations } = loadRegistrations({ HANGAR_DATA_DIR: makeTempDirFor().path, ...env });
    expect(registrations.map((registration) => registration.provider.name).sort()).toEqual(['aws', 'lambda-labs', 'orbstack', 'runpod']);
    expect(registrations.every((registration) => registration.readiness !== undefined)).toBe(true);
    for (const registration of registrations) await registration.hooks.onShutdown?.();
  });

  it('makes every provider ready against the emulators started by their npm scripts', { timeout: 90_000 }, async () => {
    const dir = makeTempDirFor();
    // The workflow's emulators, on free ports (the fixed ones may be taken here); the config rewritten to match.
    const ports = emulatorPorts(steps[indexOf('starts the emulators', runs(/npm run emulator:/))]!.run!);
    const free: Record<string, number> = {};
    const emulators: ServiceProcess[] = [];
    for (const emulator of Object.keys(ports)) {
      free[emulator] = await freePort();
      const service = startService('npm', ['run', `emulator:${emulator}`], { PORT: String(free[emulator]) });
      cleanups.push(() => service.killGroup());
      emulators.push(service);
    }
    for (const [emulator, port] of Object.entries(free)) {
      await waitFor(`the ${emulator} emulator`, async () => ((await connectionRefused(port)) ? undefined : true), 30_000, 100);
    }
    const text = readFileSync(configPath(), 'utf8');
    const moved = Object.entries(ports).reduce((yaml, [emulator, port]) => yaml.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${free[emulator]}`), text);
    const config = join(dir.path, 'readiness-emulators.yaml');
    writeFileSync(config, stringifyYaml(parseYaml(moved)));
    const out = join(dir.path, outPath()!);

    const clean = Object.fromEntries(Object.keys(process.env).filter((name) => /^(HANGAR_|AWS_|LAMBDA_|RUNPOD_|OPENAI_|ANTHROPIC_|OPENROUTER_)/.test(name)).map((name) => [name, undefined]));
    const cli = startService(process.execPath, ['--import', 'tsx', 'src/readiness-cli.ts', '--out', out], { ...clean, ...stepEnv(), HANGAR_CONFIG: config, HANGAR_DATA_DIR: join(dir.path, 'data') });
    cleanups.push(() => cli.killGroup());
    const { code } = await cli.exited;
    expect(code, cli.output()).toBe(0);
    const artifact = JSON.parse(readFileSync(out, 'utf8'));
    expect(artifact.required_ready).toBe(true);
    expect(artifact.run).toMatchObject({ mode: 'full', trigger: 'cli' });
    expect(artifact.run.providers.map((result: { provider: string; passed: boolean }) => [result.provider, result.passed])).toEqual([
      ['anthropic', true],
      ['aws', true],
      ['lambda-labs', true],
      ['openai', true],
      ['openrouter', true],
      ['orbstack', true],
      ['runpod', true],
    ]);
    expect(artifact.status.providers.every((row: { ready: boolean }) => row.ready)).toBe(true);
    for (const emulator of emulators) expect(emulator.child.exitCode, emulator.output()).toBeNull();
  });
});

function makeTempDirFor(): TempDir {
  const dir = makeTempDir('readiness-workflow');
  cleanups.push(() => dir.remove());
  return dir;
}
