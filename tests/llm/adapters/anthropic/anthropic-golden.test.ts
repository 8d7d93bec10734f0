import { describe, expect, it } from 'vitest';
import { decodeAnthropicError, decodeAnthropicResponse, encodeAnthropicRequest } from '../../../../src/llm/adapters/anthropic/index.js';
import { ProviderError, ProviderRequestSchema, ProviderResponseSchema } from '../../../../src/llm/core/index.js';
import { errorFixtures, requestFixtures, responseFixtures } from './anthropic-fixtures.js';
import { anthropicSpec, SPEC_ADDITIONS, type SpecAddition } from './anthropic-spec.js';

/** Valid against the document with exactly the fixture's additions, and (when it names any) invalid without them: each addition is needed. */
function expectSpecFit(additions: readonly SpecAddition[], errorsWith: (spec: ReturnType<typeof anthropicSpec>) => string[]): void {
  expect(errorsWith(anthropicSpec(additions))).toEqual([]);
  if (additions.length === 0) return;
  let without: string[];
  try {
    without = errorsWith(anthropicSpec());
  } catch (error) {
    // The stored document has no such response at all (a 500 or a 529).
    without = [String(error)];
  }
  expect(without).not.toEqual([]);
}

describe('Anthropic golden fixtures: requests', () => {
  const fixtures = requestFixtures();

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s encodes byte for byte', (_name, fixture) => {
    const request = ProviderRequestSchema.parse(fixture.canonical);
    const before = JSON.stringify(request);
    const encoded = encodeAnthropicRequest(request);
    expect(JSON.stringify(encoded.body)).toBe(JSON.stringify(fixture.vendor));
    expect(encoded.warnings).toEqual(fixture.warnings);
    expect(encoded.jsonTool).toBe(fixture.jsonTool);
    // Deterministic, and the caller's request is left as it was.
    expect(JSON.stringify(encodeAnthropicRequest(request))).toBe(JSON.stringify(encoded));
    expect(JSON.stringify(request)).toBe(before);
  });

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s is a valid CreateMessageParams', (_name, fixture) => {
    expectSpecFit(fixture.specAdditions, (spec) => spec.requestErrors('/v1/messages', 'post', fixture.vendor));
  });
});

describe('Anthropic golden fixtures: responses', () => {
  const fixtures = responseFixtures();

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s decodes byte for byte', (_name, fixture) => {
    const decoded = decodeAnthropicResponse(fixture.vendor, fixture.context);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(fixture.canonical));
    expect(ProviderResponseSchema.safeParse(decoded).success).toBe(true);
    expect(JSON.stringify(decodeAnthropicResponse(fixture.vendor, fixture.context))).toBe(JSON.stringify(decoded));
  });

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s is a valid Message answer', (_name, fixture) => {
    expectSpecFit(fixture.specAdditions, (spec) => spec.responseErrors('/v1/messages', 'post', 200, fixture.vendor));
  });
});

describe('Anthropic golden fixtures: errors', () => {
  const fixtures = errorFixtures();

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s becomes the expected ProviderError', (_name, fixture) => {
    const error = decodeAnthropicError(fixture.status, new Headers(fixture.headers), fixture.vendor);
    expect(error).toBeInstanceOf(ProviderError);
    expect({ code: error.code, retryable: error.retryable, status: error.status, retryAfterMs: error.retryAfterMs ?? null, message: error.message }).toEqual(fixture.expected);
    expect(error.provider).toBe('anthropic');
    expect(error.raw).toEqual(fixture.vendor);
  });

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s is a valid ErrorResponse', (_name, fixture) => {
    expectSpecFit(fixture.specAdditions, (spec) => spec.responseErrors('/v1/messages', 'post', fixture.status, fixture.vendor));
  });
});

describe('Anthropic golden fixtures: coverage', () => {
  it('cover every documented error status, every stop reason and every spec addition', () => {
    const errors = errorFixtures();
    expect(new Set(errors.map((fixture) => fixture.status))).toEqual(new Set([400, 401, 403, 404, 413, 429, 500, 529]));
    expect(new Set(errors.map((fixture) => fixture.expected.code))).toEqual(new Set(['INVALID_REQUEST', 'CONTEXT_LENGTH_EXCEEDED', 'AUTH', 'NOT_FOUND', 'RATE_LIMIT', 'SERVER', 'OVERLOADED']));
    const stops = responseFixtures().map((fixture) => (fixture.vendor as { stop_reason: string }).stop_reason);
    expect(new Set(stops)).toEqual(new Set(['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'refusal', 'pause_turn']));
    const used = new Set([...requestFixtures(), ...responseFixtures(), ...errorFixtures()].flatMap((fixture) => fixture.specAdditions));
    expect([...used].sort()).toEqual(Object.keys(SPEC_ADDITIONS).filter((addition) => addition !== 'models-api').sort());
  });
});
