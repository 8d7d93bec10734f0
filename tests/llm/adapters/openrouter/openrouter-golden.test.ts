import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOpenRouterError, decodeOpenRouterResponse, encodeOpenRouterRequest } from '../../../../src/llm/adapters/openrouter/index.js';
import { ProviderError, type ProviderRequest, ProviderRequestSchema, type ProviderResponse, ProviderResponseSchema } from '../../../../src/llm/core/index.js';
import { answerErrors, chatRequestErrors } from '../../../emulators/openrouter/openrouter-spec.js';

/**
 * The golden pairs in tests/llm/fixtures/openrouter: each exchange fixture holds a canonical
 * request and the vendor's answer (written by hand), and what the adapter makes of them (the
 * encoded body, headers and warnings; the decoded response). Each file must come out of the
 * encoder and decoder byte for byte. `UPDATE_GOLDEN=1` rewrites the outputs from the inputs (then
 * review the diff).
 */
const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'openrouter');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface ExchangeFixture {
  description: string;
  request: unknown;
  encoded: unknown;
  response: { status: number; headers?: Record<string, string>; body: unknown };
  decoded: unknown;
}
interface ErrorFixture {
  description: string;
  request?: unknown;
  response: { status: number; headers?: Record<string, string>; body: unknown };
  error: unknown;
}

const files = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();
const read = (file: string) => ({ text: readFileSync(join(DIR, file), 'utf8'), json: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as ExchangeFixture & ErrorFixture });
const exchanges = files.filter((file) => !file.startsWith('error-'));
const errors = files.filter((file) => file.startsWith('error-'));
const serialize = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The decoded response as a fixture holds it: `raw` (the body) and `usage.raw` (its usage) are checked by identity instead. */
function withoutRaw(response: ProviderResponse): unknown {
  const { raw: _usageRaw, ...counts } = response.usage;
  // Spreading keeps every key where it was: `usage` stays between `finishReason` and `cost`.
  const { raw: _raw, ...rest } = { ...response, usage: counts };
  return rest;
}

function errorSummary(error: unknown): unknown {
  expect(error).toBeInstanceOf(ProviderError);
  const failure = error as ProviderError;
  expect(failure.provider).toBe('openrouter');
  return { code: failure.code, retryable: failure.retryable, status: failure.status ?? null, retryAfterMs: failure.retryAfterMs ?? null, message: failure.message };
}

function check(file: string, expected: string, actual: string): void {
  if (UPDATE && actual !== expected) writeFileSync(join(DIR, file), actual);
  else expect(actual).toBe(expected);
}

describe('OpenRouter golden fixtures', () => {
  it('cover the cases the adapter must get right', () => {
    const names = files.map((file) => file.replace(/\.json$/, ''));
    for (const name of ['text', 'tools', 'tool-results', 'json-schema', 'reasoning', 'content-filter', 'length', 'cost-cached', 'cost-byok', 'provider-preferences', 'error-403-moderation', 'error-in-200-body']) {
      expect(names).toContain(name);
    }
    for (const status of [400, 401, 402, 403, 404, 408, 429, 500, 502, 503, 524, 529]) expect(names.some((name) => name.startsWith(`error-${status}`))).toBe(true);
  });

  it.each(exchanges)('%s: encodes and decodes byte for byte, and both sides follow the OpenAPI document', (file) => {
    const { text, json: fixture } = read(file);
    const request: ProviderRequest = ProviderRequestSchema.parse(fixture.request);
    const encoded = encodeOpenRouterRequest(request);
    expect(JSON.stringify(encodeOpenRouterRequest(request))).toBe(JSON.stringify(encoded));
    expect(chatRequestErrors(encoded.body)).toEqual([]);
    expect(answerErrors('/chat/completions', 'post', fixture.response.status, fixture.response.body)).toEqual([]);

    const decoded = decodeOpenRouterResponse(fixture.response.body, { model: request.model, warnings: encoded.warnings });
    expect(ProviderResponseSchema.safeParse(decoded).success).toBe(true);
    expect(decoded.raw).toBe(fixture.response.body);
    expect(decoded.usage.raw).toBe((fixture.response.body as { usage?: unknown }).usage);
    check(file, text, serialize({ description: fixture.description, request: fixture.request, encoded, response: fixture.response, decoded: withoutRaw(decoded) }));
  });

  it.each(errors)('%s: decodes to the same ProviderError, from a body the document describes', (file) => {
    const { text, json: fixture } = read(file);
    const { status, headers, body } = fixture.response;
    let error: unknown;
    if (fixture.request !== undefined) {
      // An error envelope in a 200 answer: the decoder throws it. The document describes it by the status in its code.
      const request = ProviderRequestSchema.parse(fixture.request);
      error = (() => {
        try {
          decodeOpenRouterResponse(body, { model: request.model });
        } catch (caught) {
          return caught;
        }
        throw new Error('decoded an error envelope as a completion');
      })();
      expect(answerErrors('/chat/completions', 'post', (body as { error: { code: number } }).error.code, body)).toEqual([]);
    } else {
      error = decodeOpenRouterError(status, new Headers(headers ?? {}), body);
      // A proxy's HTML page is not a document answer; every JSON body is.
      if (typeof body !== 'string') expect(answerErrors('/chat/completions', 'post', status, body)).toEqual([]);
    }
    expect((error as ProviderError).raw).toBe(body);
    check(file, text, serialize({ description: fixture.description, ...(fixture.request !== undefined && { request: fixture.request }), response: fixture.response, error: errorSummary(error) }));
  });
});
