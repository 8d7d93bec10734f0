import { describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../../src/llm/core/adapter-contract.js';
import type { ModelCatalog } from '../../../src/llm/core/canonical-types.js';
import { ConfigError, ProviderError, RoutingError } from '../../../src/llm/core/runtime-errors.js';
import { AdapterRegistry } from '../../../src/llm/registry/adapter-registry.js';
import { modelInfo, stubAdapter } from './stub-adapter.js';

const CATALOG: ModelCatalog = {
  models: [modelInfo('alpha', 'a-1', { origin: 'static', contextWindow: 1000, sources: { limits: { source: 'pkg', asOf: '2026-12-01' }, capabilities: null, prices: null } }), modelInfo('beta', 'b-1', { origin: 'static' })],
  sources: { pkg: '1.0.0' },
};
const noContext = (): AdapterContext => {
  throw new Error('no context expected');
};
const context = (provider: string): AdapterContext => ({ transport: { send: () => Promise.reject(new Error(`${provider}: no network here`)) }, token: () => 'unused' });

describe('AdapterRegistry', () => {
  it('registers adapters and refuses a second one for the same provider', () => {
    const registry = new AdapterRegistry().register(stubAdapter('beta')).register(stubAdapter('alpha'));
    expect(registry.providers()).toEqual(['alpha', 'beta']);
    expect(() => registry.register(stubAdapter('alpha'))).toThrow(ConfigError);
  });

  it('resolves a model reference to its provider’s adapter, and refuses an unknown provider naming the known ones', () => {
    const alpha = stubAdapter('alpha');
    const registry = new AdapterRegistry().register(alpha).register(stubAdapter('beta'));
    expect(registry.resolve({ provider: 'alpha', model: 'anything' })).toBe(alpha);
    expect(() => registry.resolve({ provider: 'gamma', model: 'g-1' })).toThrow(RoutingError);
    expect(() => registry.resolve({ provider: 'gamma', model: 'g-1' })).toThrow(/gamma.*registered: alpha, beta/);
  });

  it('discovers from the static catalog alone without remote (no adapter is asked)', async () => {
    const alpha = stubAdapter('alpha', { discover: () => Promise.reject(new Error('must not be called')) });
    const registry = new AdapterRegistry().register(alpha);
    const { catalog, warnings } = await registry.discoverModels(CATALOG, { remote: false }, noContext, '2026-12-03');
    expect(catalog.models.map((model) => model.model)).toEqual(['a-1']);
    expect(warnings).toEqual([]);
    expect(alpha.contexts).toEqual([]);
  });

  it('merges each adapter’s remote models into the catalog (static wins, remote adds) and records the providers', async () => {
    const registry = new AdapterRegistry()
      .register(stubAdapter('alpha', { discover: async () => [modelInfo('alpha', 'a-1', { contextWindow: 5 }), modelInfo('alpha', 'a-2'), modelInfo('beta', 'smuggled')] }))
      .register(stubAdapter('beta', { discover: async () => [modelInfo('beta', 'b-2')] }));
    const { catalog, warnings } = await registry.discoverModels(CATALOG, { remote: true }, context, '2026-12-03');
    expect(warnings).toEqual([]);
    expect(catalog.models.map((model) => `${model.provider}/${model.model}:${model.origin}`)).toEqual(['alpha/a-1:static', 'alpha/a-2:remote', 'beta/b-1:static', 'beta/b-2:remote']);
    expect(catalog.models[0]?.contextWindow).toBe(1000);
    expect(catalog.sources).toEqual({ pkg: '1.0.0', 'remote:alpha': '2026-12-03', 'remote:beta': '2026-12-03' });
  });

  it('turns a failing or unable vendor into a warning and keeps the static catalog for it', async () => {
    const registry = new AdapterRegistry()
      .register(stubAdapter('alpha', { discover: () => Promise.reject(new ProviderError({ code: 'AUTH', provider: 'alpha', message: 'alpha: the key was refused' })) }))
      .register(stubAdapter('beta', { discovery: false }));
    const { catalog, warnings } = await registry.discoverModels(CATALOG, { remote: true }, context, '2026-12-03');
    expect(warnings.map((warning) => warning.code)).toEqual(['discovery_failed', 'discovery_unsupported']);
    expect(warnings[0]?.message).toContain('the key was refused');
    expect(catalog.models.map((model) => model.model)).toEqual(['a-1', 'b-1']);
    expect(catalog.sources).toEqual({ pkg: '1.0.0' });
  });

  it('discovers only the asked providers, and refuses one nobody registered', async () => {
    const registry = new AdapterRegistry().register(stubAdapter('alpha')).register(stubAdapter('beta'));
    const { catalog } = await registry.discoverModels(CATALOG, { remote: false, providers: ['beta'] }, noContext, '2026-12-03');
    expect(catalog.models.map((model) => model.model)).toEqual(['b-1']);
    await expect(registry.discoverModels(CATALOG, { remote: false, providers: ['gamma'] }, noContext, '2026-12-03')).rejects.toThrow(RoutingError);
  });
});
