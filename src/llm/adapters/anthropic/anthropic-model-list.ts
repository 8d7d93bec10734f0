import type { ModelInfo } from '../../core/canonical-types.js';
import { ProviderError } from '../../core/runtime-errors.js';
import { anthropicModelProfile } from './anthropic-model-rules.js';
import type { AnthropicModelEntry } from './anthropic-wire-types.js';

/** One page of `GET /v1/models`: its models and where the next page starts (null on the last). */
export interface AnthropicModelPageRead {
  models: AnthropicModelEntry[];
  nextAfterId: string | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const positive = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null);

/** Reads a page by hand (`{data, has_more, first_id, last_id}`); an entry without an id makes the page unreadable. */
export function readAnthropicModelPage(body: unknown): AnthropicModelPageRead {
  if (!isRecord(body) || !Array.isArray(body.data) || typeof body.has_more !== 'boolean') {
    throw new ProviderError({ code: 'BAD_RESPONSE', provider: 'anthropic', message: 'anthropic: the model list is not a {data, has_more} page', raw: body });
  }
  const models = (body.data as unknown[]).map((entry) => {
    if (!isRecord(entry) || typeof entry.id !== 'string' || entry.id === '') {
      throw new ProviderError({ code: 'BAD_RESPONSE', provider: 'anthropic', message: 'anthropic: a model list entry has no id', raw: body });
    }
    return entry as unknown as AnthropicModelEntry;
  });
  const lastId = typeof body.last_id === 'string' && body.last_id !== '' ? body.last_id : (models[models.length - 1]?.id ?? null);
  return { models, nextAfterId: body.has_more ? lastId : null };
}

const REMOTE = 'anthropic GET /v1/models';

/**
 * A listed model as ModelInfo (origin remote). Limits come from the entry when it has them (newer
 * answers carry `max_input_tokens` / `max_tokens`); capabilities from its `capabilities` object when
 * present, else from the adapter's family rules. Tools and structured output hold for every Claude
 * model the Messages API serves (structured output through the adapter's stand-in tool). No prices:
 * the vendor's list has none.
 */
export function anthropicModelInfo(entry: AnthropicModelEntry, asOf: string): ModelInfo {
  const contextWindow = positive(entry.max_input_tokens);
  const maxOutputTokens = positive(entry.max_tokens);
  const remote = isRecord(entry.capabilities) ? entry.capabilities : undefined;
  const profile = anthropicModelProfile(entry.id);
  const reasoning = remote?.thinking?.supported;
  const vision = remote?.image_input?.supported;
  return {
    provider: 'anthropic',
    model: entry.id,
    displayName: typeof entry.display_name === 'string' ? entry.display_name : null,
    contextWindow,
    maxOutputTokens,
    capabilities: {
      tools: true,
      vision: typeof vision === 'boolean' ? vision : true,
      jsonSchema: true,
      reasoning: typeof reasoning === 'boolean' ? reasoning : profile.thinking !== 'none',
    },
    prices: { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null },
    sources: {
      limits: contextWindow !== null || maxOutputTokens !== null ? { source: REMOTE, asOf } : null,
      capabilities: { source: remote !== undefined ? REMOTE : 'anthropic adapter model rules', asOf },
      prices: null,
    },
    origin: 'remote',
  };
}
