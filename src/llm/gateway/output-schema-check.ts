import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';

export type OutputCheckResult = { valid: true } | { valid: false; errors: string[] };
export type OutputSchemaCheck = (text: string) => OutputCheckResult;
export type CompiledOutputSchema = { ok: true; check: OutputSchemaCheck } | { ok: false; error: string };

/** Compiled schemas kept, least recently used dropped first: callers tend to reuse a handful of schemas. */
const CACHE_LIMIT = 256;
/** Errors reported per failed check: enough to say what is wrong, bounded for a schema with thousands of violations. */
const ERROR_LIMIT = 20;

type Draft = 'draft-07' | '2019-09' | '2020-12';
/** What this module uses of an Ajv instance, whichever draft's class it is. */
type Compiler = { compile(schema: Record<string, unknown>): ValidateFunction; removeSchema(): unknown };
const cache = new Map<string, CompiledOutputSchema>();
const compilers = new Map<Draft, Compiler>();

/**
 * The Ajv instance of a draft, shared. Sharing saves the meta-schema compile (about 15 ms an
 * instance); `removeSchema()` after each compile (in `compileOutputSchema`) keeps one caller's schema,
 * its `$id`s and nested ids out of the next one's resolution.
 * strict false: vendors' schemas carry keywords Ajv does not know (OpenAI's `strict`, descriptions in
 * odd places) and must not be refused for them. Formats are not validated: a model's `format` is
 * advisory, and the runtime has no format vocabulary dependency.
 */
function compilerFor(draft: Draft): Compiler {
  let ajv = compilers.get(draft);
  if (ajv === undefined) {
    const options = { strict: false, allErrors: true, validateFormats: false, addUsedSchema: false } as const;
    ajv = draft === '2020-12' ? new Ajv2020(options) : draft === '2019-09' ? new Ajv2019(options) : new Ajv(options);
    compilers.set(draft, ajv);
  }
  return ajv;
}

/** The draft the schema names in `$schema`; draft-07 (Ajv's default) when it names none. */
function draftOf(schema: Record<string, unknown>): Draft {
  const named = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (named.includes('2020-12')) return '2020-12';
  if (named.includes('2019-09')) return '2019-09';
  return 'draft-07';
}

/** JSON with object keys sorted, so two spellings of one schema share a cache entry. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `/n: must be >= 10`, with the offending property named where Ajv's message does not. */
function describe(error: ErrorObject): string {
  const at = error.instancePath === '' ? '(root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  const extra = typeof params.additionalProperty === 'string' ? ` (${params.additionalProperty})` : typeof params.missingProperty === 'string' && !(error.message ?? '').includes(params.missingProperty) ? ` (${params.missingProperty})` : '';
  return `${at}: ${error.message ?? error.keyword}${extra}`;
}

function checker(validate: ValidateFunction): OutputSchemaCheck {
  return (text) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { valid: false, errors: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] };
    }
    if (validate(value)) return { valid: true };
    const errors = (validate.errors ?? []).slice(0, ERROR_LIMIT).map(describe);
    const more = (validate.errors?.length ?? 0) - errors.length;
    return { valid: false, errors: more > 0 ? [...errors, `… and ${more} more`] : errors };
  };
}

/**
 * Compiles a response format's JSON Schema once (cached by a hash of the schema) into a check of an
 * answer's text: the text must parse as JSON and the value match the schema. A schema Ajv cannot
 * compile is `{ok: false, error}`, so the caller can refuse the request before any model is called.
 */
export function compileOutputSchema(schema: Record<string, unknown>): CompiledOutputSchema {
  const key = createHash('sha256').update(canonicalJson(schema)).digest('hex');
  const cached = cache.get(key);
  if (cached !== undefined) {
    // Refresh its place: the Map's insertion order is the eviction order.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const ajv = compilerFor(draftOf(schema));
  let compiled: CompiledOutputSchema;
  try {
    // A copy: Ajv keys its own cache by the object, and the caller may change theirs later.
    compiled = { ok: true, check: checker(ajv.compile(structuredClone(schema))) };
  } catch (error) {
    compiled = { ok: false, error: `the output schema does not compile: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    ajv.removeSchema();
  }
  cache.set(key, compiled);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  return compiled;
}
