import type { ModelInfo, ModelPrices } from '../../core/canonical-types.js';
import { ProviderError } from '../../core/runtime-errors.js';

/**
 * `GET /api/v1/models` (`ModelsListResponse`) as ModelInfo, origin remote. Prices come as USD per
 * token in decimal strings; they become USD per million tokens, shifted in decimal so "0.000003"
 * is exactly 3 (no float noise). A negative price ("-1": the router models, whose price is the model
 * they pick) or an unreadable one is null; "0" (the `:free` models) is 0. Capabilities come from
 * `supported_parameters` (tools, structured_outputs, reasoning) and `architecture.input_modalities`
 * (image). Models that do not produce text (image, embedding models) are left out: they cannot
 * answer a chat completion.
 */

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const PRICE_DIGITS = 6;

/** USD per token (a decimal string) as USD per million tokens; null when negative (variable) or unreadable. */
export function openRouterPricePerMillion(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  const decimal = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (decimal !== null && (decimal[1] !== '' || (decimal[2] ?? '') !== '')) {
    const fraction = (decimal[2] ?? '').padEnd(PRICE_DIGITS, '0');
    return Number(`${decimal[1] === '' ? '0' : decimal[1]}${fraction.slice(0, PRICE_DIGITS)}.${fraction.slice(PRICE_DIGITS) || '0'}`);
  }
  const parsed = Number(text);
  return text !== '' && Number.isFinite(parsed) && parsed >= 0 ? Number((parsed * 1e6).toPrecision(12)) : null;
}

const positiveInt = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

function prices(pricing: unknown): ModelPrices {
  const table = isRecord(pricing) ? pricing : {};
  return {
    inputPerMillion: openRouterPricePerMillion(table.prompt),
    outputPerMillion: openRouterPricePerMillion(table.completion),
    cachedInputPerMillion: openRouterPricePerMillion(table.input_cache_read),
    reasoningPerMillion: openRouterPricePerMillion(table.internal_reasoning),
  };
}

function modelInfo(entry: Json, asOf: string): ModelInfo {
  const parameters = strings(entry.supported_parameters);
  const architecture = isRecord(entry.architecture) ? entry.architecture : {};
  const topProvider = isRecord(entry.top_provider) ? entry.top_provider : {};
  const source = { source: 'openrouter /api/v1/models', asOf };
  return {
    provider: 'openrouter',
    model: entry.id as string,
    displayName: typeof entry.name === 'string' && entry.name !== '' ? entry.name : null,
    contextWindow: positiveInt(entry.context_length) ?? positiveInt(topProvider.context_length),
    maxOutputTokens: positiveInt(topProvider.max_completion_tokens),
    capabilities: {
      tools: parameters.includes('tools'),
      vision: strings(architecture.input_modalities).includes('image'),
      jsonSchema: parameters.includes('structured_outputs'),
      reasoning: parameters.includes('reasoning') || parameters.includes('include_reasoning') || isRecord(entry.reasoning),
    },
    prices: prices(entry.pricing),
    sources: { limits: source, capabilities: source, prices: source },
    origin: 'remote',
  };
}

export interface OpenRouterModelPage {
  models: ModelInfo[];
  /** `links.next` (a path or URL) when the list goes on. */
  next: string | null;
}

/** One page of the model list; throws BAD_RESPONSE when it is not a `ModelsListResponse`. */
export function decodeOpenRouterModels(body: unknown, asOf: string): OpenRouterModelPage {
  if (!isRecord(body) || !Array.isArray(body.data)) {
    throw new ProviderError({ code: 'BAD_RESPONSE', provider: 'openrouter', message: 'openrouter: the model list has no data array', status: 200, raw: body });
  }
  const models: ModelInfo[] = [];
  const seen = new Set<string>();
  for (const entry of body.data) {
    if (!isRecord(entry) || typeof entry.id !== 'string' || entry.id === '' || entry.id.length > 200 || seen.has(entry.id)) continue;
    const outputs = isRecord(entry.architecture) ? strings(entry.architecture.output_modalities) : [];
    if (outputs.length > 0 && !outputs.includes('text')) continue;
    seen.add(entry.id);
    models.push(modelInfo(entry, asOf));
  }
  const next = isRecord(body.links) && typeof body.links.next === 'string' && body.links.next !== '' ? body.links.next : null;
  return { models, next };
}
