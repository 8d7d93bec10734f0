import type { AdapterContext, ProviderAdapter } from '../../../src/llm/core/adapter-contract.js';
import type { ModelInfo, ProviderRequest, ProviderResponse } from '../../../src/llm/core/canonical-types.js';

export function modelInfo(provider: string, model: string, fields: Partial<ModelInfo> = {}): ModelInfo {
  return {
    provider,
    model,
    displayName: null,
    contextWindow: null,
    maxOutputTokens: null,
    capabilities: { tools: false, vision: false, jsonSchema: false, reasoning: false },
    prices: { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null },
    sources: { limits: null, capabilities: null, prices: null },
    origin: 'remote',
    ...fields,
  };
}

export interface StubAdapterOptions {
  discovery?: boolean;
  discover?: (ctx: AdapterContext) => Promise<ModelInfo[]>;
  run?: (request: ProviderRequest, ctx: AdapterContext) => Promise<ProviderResponse>;
}

/** An adapter for registry and runtime tests: what it does is what the test gives it, and it records the contexts it was given. */
export function stubAdapter(id: string, options: StubAdapterOptions = {}): ProviderAdapter & { contexts: AdapterContext[] } {
  const contexts: AdapterContext[] = [];
  return {
    id,
    contexts,
    capabilities: { tools: true, vision: false, jsonSchema: false, reasoning: false, reportsCost: false, discovery: options.discovery ?? true },
    async run(request, ctx) {
      contexts.push(ctx);
      if (options.run === undefined) throw new Error(`${id}: no run given`);
      return options.run(request, ctx);
    },
    async discoverModels(ctx) {
      contexts.push(ctx);
      return options.discover === undefined ? [] : options.discover(ctx);
    },
  };
}
