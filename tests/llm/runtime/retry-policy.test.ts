import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/llm/core/runtime-errors.js';
import { JsonTransport, type JsonTransportOptions, sleep } from '../../../src/llm/transport/json-transport.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, vendorRetryAfterMs } from '../../../src/llm/transport/retry-policy.js';

/** A scripted vendor: each fetch takes the next answer (the last one repeats), and every call is recorded; like fetch, it refuses an aborted signal. */
function scripted(answers: readonly (() => Response | Promise<Response>)[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch: typeof globalThis.fetch = async (url, init) => {
    if (init?.signal?.aborted) throw init.signal.reason;
    calls.push({ url: String(url), init });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (answer === undefined) throw new Error('no answer scripted');
    return answer();
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown = {}, headers: Record<string, string> = {}) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** Anthropic-like decoding: 529 is OVERLOADED, 429 RATE_LIMIT, 5xx SERVER, the rest INVALID_REQUEST. */
const decodeError = (status: number) =>
  new ProviderError({ code: status === 529 ? 'OVERLOADED' : status === 429 ? 'RATE_LIMIT' : status >= 500 ? 'SERVER' : 'INVALID_REQUEST', provider: 'vendor', status, message: `vendor: ${status}` });

const REQUEST = { method: 'POST' as const, url: 'http://127.0.0.1:9/v1/x', headers: {}, body: { a: 1 } };
const NOW = Date.parse('2026-12-03T12:00:00Z');

function transport(fetch: typeof globalThis.fetch, options: Partial<JsonTransportOptions> = {}) {
  const slept: number[] = [];
  let clock = NOW;
  const t = new JsonTransport({
    provider: 'vendor',
    fetch,
    now: () => clock,
    random: () => 0.999,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    ...options,
  });
  return { t, slept, advance: (ms: number) => (clock += ms) };
}

describe('the retry policy (JsonTransport with an injected fetch, clock, sleep and jitter)', () => {
  it('caps attempts at 3, the first included', async () => {
    const vendor = scripted([json(503)]);
    const { t, slept } = transport(vendor.fetch);
    await expect(t.send(REQUEST, decodeError)).rejects.toMatchObject({ code: 'SERVER', status: 503 });
    expect(vendor.calls).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(vendor.calls).toHaveLength(3);
    expect(slept).toHaveLength(2);
  });

  it('waits a full-jitter delay: in [0, ceiling), the ceiling doubling from the base up to the cap', async () => {
    const vendor = scripted([json(503), json(503), json(200, { ok: true })]);
    const high = transport(vendor.fetch);
    await expect(high.t.send(REQUEST, decodeError)).resolves.toMatchObject({ status: 200, body: { ok: true } });
    expect(high.slept).toEqual([499, 999]);
    const low = transport(scripted([json(503), json(200)]).fetch, { random: () => 0 });
    await low.t.send(REQUEST, decodeError);
    expect(low.slept).toEqual([0]);
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 3000 };
    for (let retry = 1; retry <= 6; retry += 1) {
      const ceiling = Math.min(3000, 1000 * 2 ** (retry - 1));
      expect(retryDelayMs(policy, retry, undefined, () => 0.999999)).toBeLessThan(ceiling);
      expect(retryDelayMs(policy, retry, undefined, () => 0.999999)).toBeGreaterThanOrEqual(ceiling - 1);
      expect(retryDelayMs(policy, retry, undefined, () => 0)).toBe(0);
    }
  });

  it('honours Retry-After in seconds', async () => {
    const { t, slept } = transport(scripted([json(429, {}, { 'retry-after': '2' }), json(200)]).fetch);
    await t.send(REQUEST, decodeError);
    expect(slept).toEqual([2000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const at = new Date(NOW + 5000).toUTCString();
    const { t, slept } = transport(scripted([json(503, {}, { 'retry-after': at }), json(200)]).fetch);
    await t.send(REQUEST, decodeError);
    expect(slept).toEqual([5000]);
    expect(vendorRetryAfterMs(new Headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(vendorRetryAfterMs(new Headers({ 'retry-after': new Date(NOW - 1000).toUTCString() }), NOW)).toBe(0);
  });

  it('honours retry-after-ms first (OpenAI)', async () => {
    const { t, slept } = transport(scripted([json(429, {}, { 'retry-after-ms': '1500', 'retry-after': '9' }), json(200)]).fetch);
    await t.send(REQUEST, decodeError);
    expect(slept).toEqual([1500]);
  });

  it('retries a 529 overloaded answer like a 503, and a network failure', async () => {
    const overloaded = scripted([json(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), json(200, { ok: 1 })]);
    await expect(transport(overloaded.fetch).t.send(REQUEST, decodeError)).resolves.toMatchObject({ body: { ok: 1 } });
    expect(overloaded.calls).toHaveLength(2);
    const flaky = scripted([
      () => {
        throw new TypeError('fetch failed');
      },
      json(200),
    ]);
    await expect(transport(flaky.fetch).t.send(REQUEST, decodeError)).resolves.toMatchObject({ status: 200 });
    expect(flaky.calls).toHaveLength(2);
  });

  it('does not retry what is not retryable', async () => {
    const vendor = scripted([json(400, { error: 'bad' })]);
    const { t, slept } = transport(vendor.fetch);
    await expect(t.send(REQUEST, decodeError)).rejects.toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
    expect(vendor.calls).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it('starts no retry that could not finish before the call’s deadline', async () => {
    const vendor = scripted([json(429, {}, { 'retry-after': '5' })]);
    const { t } = transport(vendor.fetch, { policy: { deadlineMs: 4000 } });
    await expect(t.send(REQUEST, decodeError)).rejects.toMatchObject({ code: 'RATE_LIMIT', retryAfterMs: 5000 });
    expect(vendor.calls).toHaveLength(1);
    const slow = scripted([json(503)]);
    const late = transport(slow.fetch, { policy: { deadlineMs: 1200, baseDelayMs: 1000 } });
    await expect(late.t.send(REQUEST, decodeError)).rejects.toMatchObject({ code: 'SERVER' });
    expect(slow.calls).toHaveLength(2);
  });

  it('times out an attempt that does not answer, as a retryable TIMEOUT', async () => {
    const hanging: typeof globalThis.fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }));
    const t = new JsonTransport({ provider: 'vendor', fetch: hanging, policy: { attemptTimeoutMs: 30, maxAttempts: 2, baseDelayMs: 1 } });
    await expect(t.send(REQUEST, decodeError)).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('stops at once when the caller aborts, during a wait or before the first try', async () => {
    const vendor = scripted([json(503, {}, { 'retry-after': '30' })]);
    const controller = new AbortController();
    const t = new JsonTransport({ provider: 'vendor', fetch: vendor.fetch, sleep, onRetry: () => setTimeout(() => controller.abort(new Error('caller gave up')), 5) });
    const started = Date.now();
    await expect(t.send(REQUEST, decodeError, controller.signal)).rejects.toThrow('caller gave up');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(vendor.calls).toHaveLength(1);
    const early = scripted([json(200)]);
    const aborted = AbortSignal.abort(new Error('never mind'));
    await expect(new JsonTransport({ provider: 'vendor', fetch: early.fetch }).send(REQUEST, decodeError, aborted)).rejects.toThrow('never mind');
  });

  it('sends JSON with the adapter’s headers and hands non-JSON success back as BAD_RESPONSE', async () => {
    const vendor = scripted([() => new Response('<html>proxy</html>', { status: 200 })]);
    await expect(transport(vendor.fetch).t.send({ ...REQUEST, headers: { 'x-api-key': 'k' } }, decodeError)).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    const init = vendor.calls[0]?.init;
    expect(init?.body).toBe('{"a":1}');
    expect(init?.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json', 'x-api-key': 'k' });
  });
});
