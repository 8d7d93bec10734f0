import { z } from 'zod';
import type { RuntimeWarning } from '../../core/canonical-types.js';
import { ProviderError } from '../../core/runtime-errors.js';
import type { OpenRouterPlugin, OpenRouterProviderPreferences } from './openrouter-wire-types.js';

/**
 * `request.providerOptions.openrouter`, validated. Body fields keep OpenRouter's own names
 * (`provider`, `models`, `session_id`); the two attribution headers are `httpReferer` and `xTitle`.
 * A known key with a bad value is refused (INVALID_REQUEST, nothing is sent); an unknown key is
 * dropped with a warning, as is a key OpenRouter's API document does not describe (`route`);
 * `transforms` is translated to the plugin that replaced it.
 */

const nullableBoolean = z.boolean().nullable();
const providerSlugs = z.array(z.string().min(1)).nullable();
/** `PreferredMaxLatency` / `PreferredMinThroughput`: a number (p50) or per-percentile cutoffs. */
const percentileCutoffs = z
  .union([z.number().nonnegative(), z.object({ p50: z.number().nullable(), p75: z.number().nullable(), p90: z.number().nullable(), p99: z.number().nullable() }).partial().strict()])
  .nullable();
/** `max_price` values are strings in the document (USD per million tokens); a number is accepted and written as its decimal string. */
const price = z.union([z.string().regex(/^\d+(\.\d+)?$/, 'a non-negative decimal'), z.number().nonnegative()]).transform((value) => String(value));
const SORTS = ['price', 'throughput', 'latency', 'exacto'] as const;
const QUANTIZATIONS = ['int4', 'int8', 'fp4', 'mxfp4', 'nvfp4', 'fp6', 'fp8', 'mxfp8', 'fp16', 'bf16', 'fp32', 'unknown'] as const;

/** `ProviderPreferences` of the document, key for key. */
const PROVIDER_PREFERENCE_FIELDS = {
  allow_fallbacks: nullableBoolean,
  data_collection: z.enum(['allow', 'deny']).nullable(),
  enforce_distillable_text: nullableBoolean,
  ignore: providerSlugs,
  max_price: z.object({ prompt: price, completion: price, image: price, audio: price, request: price }).partial().strict(),
  only: providerSlugs,
  order: providerSlugs,
  preferred_max_latency: percentileCutoffs,
  preferred_min_throughput: percentileCutoffs,
  quantizations: z.array(z.enum(QUANTIZATIONS)).nullable(),
  require_parameters: nullableBoolean,
  sort: z.union([z.enum(SORTS), z.object({ by: z.enum(SORTS).nullable(), partition: z.enum(['model', 'none']).nullable() }).partial().strict()]).nullable(),
  zdr: nullableBoolean,
} as const;

/** Header values travel as HTTP field values: printable ASCII only (no CR/LF to smuggle a header in). */
const headerValue = z.string().min(1).max(512).regex(/^[\x20-\x7e]+$/, 'printable ASCII only');

const TOP_LEVEL_FIELDS = {
  provider: z.record(z.string(), z.unknown()),
  /** The older guides' message transforms; `middle-out` is the `context-compression` plugin of the document. */
  transforms: z.array(z.string()),
  /** Fallback models, tried in order when the first cannot answer (`ChatModelNames`). */
  models: z.array(z.string().min(1).max(200)).min(1),
  session_id: z.string().min(1).max(256),
  httpReferer: headerValue,
  xTitle: headerValue,
} as const;

/** Keys people carry over from older OpenRouter guides that the API document no longer (or never) describes. */
const NOT_IN_DOCUMENT: Readonly<Record<string, string>> = {
  route: '`route` is deprecated in OpenRouter\'s API document (use `provider.sort.partition`)',
  usage: 'the adapter always asks for usage accounting itself',
};

export interface OpenRouterOptions {
  provider?: OpenRouterProviderPreferences;
  plugins?: OpenRouterPlugin[];
  models?: string[];
  session_id?: string;
  headers: Record<string, string>;
}

function invalid(path: string, message: string): ProviderError {
  return new ProviderError({ code: 'INVALID_REQUEST', provider: 'openrouter', message: `openrouter: providerOptions.openrouter.${path}: ${message}` });
}

function parseField<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${path}.${issue.path.join('.')}` : path;
  throw invalid(where, issue?.message ?? 'invalid');
}

function providerPreferences(raw: Record<string, unknown>, warnings: RuntimeWarning[]): OpenRouterProviderPreferences {
  const preferences: Record<string, unknown> = {};
  // Written in the document's key order, so the encoded body does not depend on how the caller ordered them.
  for (const [key, schema] of Object.entries(PROVIDER_PREFERENCE_FIELDS)) {
    if (raw[key] !== undefined) preferences[key] = parseField(schema as z.ZodType<unknown>, raw[key], `provider.${key}`);
  }
  for (const key of Object.keys(raw).sort()) {
    if (!(key in PROVIDER_PREFERENCE_FIELDS)) {
      warnings.push({ code: 'openrouter_provider_preference_unknown', message: `providerOptions.openrouter.provider.${key} is not one of OpenRouter's provider preferences; dropped` });
    }
  }
  return preferences as OpenRouterProviderPreferences;
}

/**
 * `transforms` is not in the API document: its one transform, `middle-out`, is the
 * `context-compression` plugin there (engine `middle-out`), and `[]` (which turned compression off)
 * is that plugin disabled. Any other transform has no equivalent and is dropped.
 */
function pluginsFor(transforms: readonly string[], warnings: RuntimeWarning[]): OpenRouterPlugin[] {
  const unknown = transforms.filter((transform) => transform !== 'middle-out');
  if (unknown.length > 0) warnings.push({ code: 'openrouter_option_dropped', message: `providerOptions.openrouter.transforms: ${unknown.join(', ')} has no equivalent in OpenRouter's API document; dropped` });
  warnings.push({ code: 'openrouter_transforms_translated', message: 'providerOptions.openrouter.transforms is not in OpenRouter\'s API document: sent as the context-compression plugin' });
  return [transforms.includes('middle-out') ? { id: 'context-compression', engine: 'middle-out' } : { id: 'context-compression', enabled: false }];
}

/** Validates `providerOptions.openrouter`; throws INVALID_REQUEST for a bad value, warns for what it drops. */
export function openRouterOptions(raw: Record<string, unknown> | undefined, warnings: RuntimeWarning[]): OpenRouterOptions {
  const options: OpenRouterOptions = { headers: {} };
  if (raw === undefined) return options;
  if (raw.provider !== undefined) options.provider = providerPreferences(parseField(TOP_LEVEL_FIELDS.provider, raw.provider, 'provider'), warnings);
  if (raw.transforms !== undefined) options.plugins = pluginsFor(parseField(TOP_LEVEL_FIELDS.transforms, raw.transforms, 'transforms'), warnings);
  if (raw.models !== undefined) options.models = parseField(TOP_LEVEL_FIELDS.models, raw.models, 'models');
  if (raw.session_id !== undefined) options.session_id = parseField(TOP_LEVEL_FIELDS.session_id, raw.session_id, 'session_id');
  if (raw.httpReferer !== undefined) options.headers['HTTP-Referer'] = parseField(TOP_LEVEL_FIELDS.httpReferer, raw.httpReferer, 'httpReferer');
  if (raw.xTitle !== undefined) options.headers['X-Title'] = parseField(TOP_LEVEL_FIELDS.xTitle, raw.xTitle, 'xTitle');
  for (const key of Object.keys(raw).sort()) {
    if (key in TOP_LEVEL_FIELDS) continue;
    const why = NOT_IN_DOCUMENT[key] ?? 'not an option the OpenRouter adapter knows';
    warnings.push({ code: 'openrouter_option_dropped', message: `providerOptions.openrouter.${key}: ${why}; dropped` });
  }
  return options;
}
