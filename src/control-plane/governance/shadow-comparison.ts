import { isProviderError } from '../../contracts/index.js';
import { DEFAULT_IGNORED_KEYS, diffFields, type FieldMismatch } from '../../governance/rollout/index.js';
import type { ProviderResponse } from '../../llm/index.js';
import type { ReadOutcome } from './shadow-read-tap.js';

/**
 * One shadow comparison: the same read answered by the current adapter and by the candidate, diffed
 * field by field after normalization (ordering and timestamps do not count: see diffFields). Two
 * failures compare by their error class; one side failing is a mismatch at `$error`.
 */
export function compareOutcomes(current: ReadOutcome, candidate: ReadOutcome, normalize: (value: unknown) => unknown = (value) => value): FieldMismatch[] {
  if (current.ok && candidate.ok) return diffFields(normalize(current.value), normalize(candidate.value));
  const classOf = (outcome: ReadOutcome) => (outcome.ok ? null : errorClass(outcome.error));
  const a = classOf(current);
  const b = classOf(candidate);
  return a === b ? [] : [{ path: '$error', kind: 'changed', current: a, candidate: b }];
}

export function errorClass(error: unknown): string {
  if (isProviderError(error)) return error.code;
  if (error instanceof Error && error.name === 'TimeoutError') return 'TIMEOUT';
  return 'INTERNAL';
}

/**
 * A compute read's answer as the shadow compares it: every timestamp dropped (ISO date-times under an
 * `…At` / `…_at` key, and the keys diffFields ignores), so two reads of the same state compare equal
 * and the evidence of a missing or extra entry reads the same on every run.
 */
export function normalizeComputeRead(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeComputeRead);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, inner]) => !DEFAULT_IGNORED_KEYS.includes(key) && !(/(At|_at)$/.test(key) && typeof inner === 'string' && ISO_DATE_TIME.test(inner)))
      .map(([key, inner]) => [key, normalizeComputeRead(inner)]),
  );
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An LLM answer as the shadow compares it: what an adapter change can break and a vendor answers alike
 * for one request (the finish reason, the model that answered, the shape of the output: part types,
 * tool names and argument keys, the input token count). The generated text is not compared: two calls
 * to the same model rarely word it alike, and a diff that always fires proves nothing.
 */
export function normalizeLlmResponse(response: ProviderResponse): unknown {
  return {
    finishReason: response.finishReason,
    responseModel: response.responseModel,
    inputTokens: response.usage.inputTokens,
    parts: response.output.content.map((part) => (part.type === 'tool-call' ? { type: part.type, name: part.name, argumentKeys: Object.keys(part.arguments).sort() } : { type: part.type })),
  };
}
