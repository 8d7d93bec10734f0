import type { ModelInfo } from '../../core/canonical-types.js';
import { ProviderError } from '../../core/runtime-errors.js';
import { isOpenAiChatModel, openAiFamilyCapabilities } from './openai-model-rules.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const NO_CAPABILITIES = { tools: false, vision: false, jsonSchema: false, reasoning: false } as const;
const NO_PRICES = { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null } as const;

/**
 * `GET /v1/models` (`ListModelsResponse`) as ModelInfo with origin remote. OpenAI's list says only
 * id, owner and creation date: context window, output limit and prices are null. Capabilities come
 * from the adapter's family rules (source `openai-adapter-family-rules`) where a rule knows the
 * family; a model no rule knows gets all-false capabilities with `sources.capabilities` null, which
 * is how a reader tells "unknown" from "known not to". Embedding, audio, image and moderation models
 * are left out: they do not answer Chat Completions.
 */
export function decodeOpenAiModels(body: unknown, asOf: string): ModelInfo[] {
  if (!isObject(body) || !Array.isArray(body.data)) throw new ProviderError({ code: 'BAD_RESPONSE', provider: 'openai', message: 'openai: /v1/models did not answer a list (no data array)', raw: body });
  const models: ModelInfo[] = [];
  const seen = new Set<string>();
  for (const entry of body.data as unknown[]) {
    if (!isObject(entry) || typeof entry.id !== 'string' || entry.id === '' || seen.has(entry.id) || !isOpenAiChatModel(entry.id)) continue;
    seen.add(entry.id);
    const capabilities = openAiFamilyCapabilities(entry.id);
    models.push({
      provider: 'openai',
      model: entry.id,
      displayName: null,
      contextWindow: null,
      maxOutputTokens: null,
      capabilities: capabilities ?? { ...NO_CAPABILITIES },
      prices: { ...NO_PRICES },
      sources: { limits: null, capabilities: capabilities === null ? null : { source: 'openai-adapter-family-rules', asOf }, prices: null },
      origin: 'remote',
    });
  }
  return models.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}
