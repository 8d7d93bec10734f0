import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelRefSchema, ProviderRequestSchema, ProviderResponseSchema } from '../../../../src/llm/core/canonical-types.js';
import { decodeOpenAiResponse } from '../../../../src/llm/adapters/openai/openai-decoder.js';
import { encodeOpenAiRequest } from '../../../../src/llm/adapters/openai/openai-encoder.js';
import { decodeOpenAiError } from '../../../../src/llm/adapters/openai/openai-errors.js';
import { componentErrors, openAiSpec } from './openai-spec.js';

/**
 * The golden pairs in tests/llm/fixtures/openai: each file holds its input and the output the
 * adapter must produce, and the test rebuilds the whole file from the input and compares the text
 * byte for byte (key order included). `UPDATE_OPENAI_FIXTURES=1` rewrites the outputs instead; review
 * the diff before keeping it.
 */
const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'openai');
const UPDATE = process.env.UPDATE_OPENAI_FIXTURES === '1';
const NOW = Date.UTC(2025, 0, 1);

const files = (prefix: string) => readdirSync(DIR).filter((name) => name.startsWith(prefix) && name.endsWith('.json')).sort();
const read = (name: string) => {
  const text = readFileSync(join(DIR, name), 'utf8');
  return { text, fixture: JSON.parse(text) as Record<string, unknown> };
};
const render = (fixture: unknown) => `${JSON.stringify(fixture, null, 2)}\n`;

/** Rewrites the file in update mode; otherwise the rebuilt text must be the file's, byte for byte. */
function expectGolden(name: string, text: string, rebuilt: unknown): void {
  if (UPDATE) {
    writeFileSync(join(DIR, name), render(rebuilt));
    return;
  }
  expect(render(rebuilt)).toBe(text);
}

describe('OpenAI golden fixtures', () => {
  it('has a fixture of every kind', () => {
    expect(files('request-').length).toBeGreaterThanOrEqual(7);
    expect(files('response-').length).toBeGreaterThanOrEqual(8);
    expect(files('error-').length).toBeGreaterThanOrEqual(13);
  });

  describe.each(files('request-'))('%s', (name) => {
    const { text, fixture } = read(name);
    const canonical = ProviderRequestSchema.parse(fixture.canonical);

    it('encodes to the vendor body and warnings, byte for byte, every time', () => {
      const first = encodeOpenAiRequest(canonical);
      const second = encodeOpenAiRequest(structuredClone(canonical));
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      expectGolden(name, text, { description: fixture.description, canonical: fixture.canonical, vendor: first.body, warnings: first.warnings });
    });

    it("validates against the spec's CreateChatCompletionRequest", () => {
      expect(openAiSpec().requestErrors('/chat/completions', 'post', fixture.vendor)).toEqual([]);
      expect(componentErrors('CreateChatCompletionRequest', fixture.vendor)).toEqual([]);
    });

    it('never sends the deprecated max_tokens', () => {
      expect(fixture.vendor).not.toHaveProperty('max_tokens');
    });
  });

  describe.each(files('response-'))('%s', (name) => {
    const { text, fixture } = read(name);
    const model = ModelRefSchema.parse(fixture.model);

    it('decodes to the canonical response, byte for byte, every time, with the raw body kept', () => {
      const first = decodeOpenAiResponse(fixture.vendor, model);
      const second = decodeOpenAiResponse(structuredClone(fixture.vendor), model);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      expect(ProviderResponseSchema.parse(first)).toBeTruthy();
      expect(first.raw).toEqual(fixture.vendor);
      const { raw: _raw, ...canonical } = first;
      expectGolden(name, text, { description: fixture.description, model: fixture.model, vendor: fixture.vendor, canonical });
    });

    it("validates against the spec's CreateChatCompletionResponse", () => {
      expect(openAiSpec().responseErrors('/chat/completions', 'post', 200, fixture.vendor)).toEqual([]);
    });
  });

  describe.each(files('error-'))('%s', (name) => {
    const { text, fixture } = read(name);
    const status = fixture.status as number;

    it('decodes to the expected ProviderError', () => {
      const error = decodeOpenAiError(status, new Headers(fixture.headers as Record<string, string>), fixture.body, NOW);
      expect(error.provider).toBe('openai');
      expect(error.raw).toEqual(fixture.body);
      const expected = { code: error.code, retryable: error.retryable, status: error.status ?? null, retryAfterMs: error.retryAfterMs ?? null, computeErrorClass: error.computeErrorClass, message: error.message };
      expectGolden(name, text, { description: fixture.description, status, headers: fixture.headers, body: fixture.body, expected });
    });

    it("an OpenAI-shaped body validates against the spec's ErrorResponse (and a 429's against TooManyRequests)", () => {
      const body = fixture.body as { error?: unknown };
      if (typeof body !== 'object' || body.error === undefined) {
        expect(componentErrors('ErrorResponse', body)).not.toEqual([]);
        return;
      }
      expect(componentErrors('ErrorResponse', body)).toEqual([]);
      if (status === 429) {
        expect(openAiSpec().mediaResponseErrors('/chat/completions', 'post', 429, 'application/json', body)).toEqual([]);
        expect(openAiSpec().responseHeaderErrors('/chat/completions', 'post', 429, new Headers(fixture.headers as Record<string, string>))).toEqual([]);
      }
    });
  });
});
