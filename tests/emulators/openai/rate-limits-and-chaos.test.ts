import { afterEach, describe, expect, it } from 'vitest';
import { expectValidAnswer, type OpenAiEmulatorBed, openOpenAiEmulator, userMessage } from './openai-emulator-bed.js';

const CHAT = { model: 'gpt-4o', messages: [userMessage('hi')] };
let bed: OpenAiEmulatorBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe('the OpenAI emulator: rate limit', () => {
  it('answers 429 rate_limit_exceeded past the window, with Retry-After (whole seconds) and retry-after-ms, then admits after the reset', async () => {
    let clock = Date.UTC(2025, 0, 1);
    bed = await openOpenAiEmulator({ rateLimit: { requests: 2, windowMs: 1_500 }, now: () => clock });
    const first = await bed.chat(CHAT);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect((await bed.chat(CHAT)).status).toBe(200);
    clock += 400;
    const limited = await bed.chat(CHAT);
    expect(limited.status).toBe(429);
    expectValidAnswer('/v1/chat/completions', limited);
    expect(limited.headers.get('retry-after-ms')).toBe('1100');
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.body).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded', message: expect.stringContaining('Please try again in 1.1s') } });
    // Models are not rate-limited; refused requests do not count.
    expect((await bed.call('GET', '/v1/models')).status).toBe(200);
    expect(bed.emulator.rateLimit?.refused).toBe(1);
    clock += 1_100;
    expect((await bed.chat(CHAT)).status).toBe(200);
  });

  it('checks the key before the rate limit: a wrong key is 401 even when the window is full', async () => {
    bed = await openOpenAiEmulator({ rateLimit: { requests: 1, windowMs: 60_000 } });
    await bed.chat(CHAT);
    expect((await bed.chat(CHAT, 'sk-not-the-key-123456')).status).toBe(401);
  });
});

describe('the OpenAI emulator: chaos', () => {
  it.each([
    ['CAPACITY_ERROR', 503, null],
    ['SPOT_INTERRUPTED', 500, null],
    ['AUTH_ERROR', 401, 'invalid_api_key'],
    ['RATE_LIMIT_ERROR', 429, 'rate_limit_exceeded'],
    ['QUOTA_EXCEEDED', 429, 'insufficient_quota'],
    ['INVALID_SPEC', 400, null],
    ['NOT_FOUND', 404, 'model_not_found'],
  ] as const)('renders an error fault %s as HTTP %i (%s) in OpenAI’s error body', async (code, status, vendorCode) => {
    bed = await openOpenAiEmulator({ chaos: { seed: 1, faults: [{ operation: 'spawn', code, times: 1, ...(code === 'RATE_LIMIT_ERROR' && { retryAfterMs: 2_500 }) }] } });
    const answer = await bed.chat(CHAT);
    expect(answer.status).toBe(status);
    expectValidAnswer('/v1/chat/completions', answer);
    expect((answer.body as { error: { code: string | null } }).error.code).toBe(vendorCode);
    if (code === 'RATE_LIMIT_ERROR') expect([answer.headers.get('retry-after-ms'), answer.headers.get('retry-after')]).toEqual(['2500', '3']);
    // A 429 that needs a person carries no Retry-After (the spec allows leaving it out).
    if (code === 'QUOTA_EXCEEDED') expect(answer.headers.get('retry-after')).toBeNull();
    expect((await bed.chat(CHAT)).status).toBe(200);
  });

  it('matches a rule on the model (instanceType), and is managed over /_emulator/chaos', async () => {
    bed = await openOpenAiEmulator();
    const put = await bed.call('PUT', '/_emulator/chaos', { seed: 3, faults: [{ operation: 'spawn', instanceType: 'gpt-4o-mini', code: 'CAPACITY_ERROR' }] }, null);
    expect(put.status).toBe(200);
    expect((await bed.chat({ ...CHAT, model: 'gpt-4o-mini' })).status).toBe(503);
    expect((await bed.chat(CHAT)).status).toBe(200);
    expect((await bed.call('DELETE', '/_emulator/chaos', undefined, null)).status).toBe(204);
    expect((await bed.chat({ ...CHAT, model: 'gpt-4o-mini' })).status).toBe(200);
  });

  it('acts out malformed (a 200 no parser reads), phantom (a 500), list faults on /v1/models, and timeout (no answer)', async () => {
    bed = await openOpenAiEmulator({
      chaos: {
        seed: 1,
        faults: [
          { operation: 'spawn', effect: 'malformed', times: 1 },
          { operation: 'spawn', effect: 'phantom', times: 1 },
          { operation: 'list', code: 'CAPACITY_ERROR', times: 1 },
          { operation: 'spawn', effect: 'timeout', times: 1 },
        ],
      },
    });
    const malformed = await bed.chat(CHAT);
    expect(malformed.status).toBe(200);
    expect(typeof malformed.body).toBe('string');
    const phantom = await bed.chat(CHAT);
    expect(phantom.status).toBe(500);
    expectValidAnswer('/v1/chat/completions', phantom);
    expect((await bed.call('GET', '/v1/models')).status).toBe(503);
    const hung = fetch(`${bed.emulator.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-emulator-test-key-0042', 'content-type': 'application/json' },
      body: JSON.stringify(CHAT),
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toThrow();
  });
});
