import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ProviderError, ReadinessConfigError, type ReadinessProbes } from '../../../src/contracts/index.js';
import { RunPodConfigSchema } from '../../../src/providers/runpod/runpod-config.js';
import { runPodConfigured } from '../../../src/providers/runpod/runpod-readiness.js';
import { createRunPodRegistration } from '../../../src/providers/runpod/runpod-registration.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { GPU, spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';

const start = useTestBed(startRunPodTestBed);
const probesOf = (bed: { registration: { readiness?: ReadinessProbes } }): ReadinessProbes => bed.registration.readiness as ReadinessProbes;

/** The bed's key (planted, `rpa_SECRET_…`) may appear in no answer, error or configured check. */
function expectNoKey(outcome: unknown, apiKey: string): void {
  const text = [String(outcome), inspect(outcome, { depth: 6, showHidden: true }), JSON.stringify(outcome ?? null)].join('\n');
  expect(text).not.toContain(apiKey);
  expect(text).not.toContain('rpa_SECRET_');
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => new Error(`expected the probe to fail, it answered: ${String(value)}`),
    (error: unknown) => error,
  );
}

const sent = (bed: { calls: { method: string; path: string }[] }) => bed.calls.map((call) => `${call.method} ${call.path}`);

describe('RunPod configured: an API key, by name only', () => {
  it('passes for the registration, which refuses to start without a key (kept)', async () => {
    const bed = await start();
    expect(probesOf(bed).configured()).toEqual({ ok: true, missing: [] });
    expect(() => createRunPodRegistration(RunPodConfigSchema.parse({}), { env: {} })).toThrow(/RUNPOD_API_KEY/);
  });

  it('names the missing key and never a key it was given', () => {
    expect(runPodConfigured(undefined)).toEqual({ ok: false, missing: ['RUNPOD_API_KEY (or providers.runpod.apiKey)'] });
    expect(runPodConfigured('')).toEqual({ ok: false, missing: ['RUNPOD_API_KEY (or providers.runpod.apiKey)'] });
    const check = runPodConfigured('rpa_SECRET_planted');
    expect(check).toEqual({ ok: true, missing: [] });
    expectNoKey(check, 'rpa_SECRET_planted');
  });
});

describe('RunPod auth probe: GET /v2/catalog/gpus (every request and answer checked against the v2 document by the bed)', () => {
  it('passes and says what it saw, without the key', async () => {
    const bed = await start();
    expect(probesOf(bed).auth.costUsd).toBe(0);
    const line = await probesOf(bed).auth.run({ owner: 'tests' });
    expect(line).toBe(`RunPod REST v2 answers at ${new URL(bed.emulator.url).host}: 4 GPU types listed`);
    expectNoKey(line, bed.apiKey);
    expect(sent(bed)).toEqual(['GET /v2/catalog/gpus']);
  });

  it('a key RunPod does not know is AUTH_ERROR (401), for both probes, and the key is nowhere in it', async () => {
    const bed = await start({}, {}, { keyAccess: 'refused' });
    for (const probe of [probesOf(bed).auth, probesOf(bed).execution]) {
      const error = await failureOf(probe.run({ owner: 'tests' }));
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ code: 'AUTH_ERROR', retryable: false });
      expectNoKey(error, bed.apiKey);
    }
  });

  it('a 429 (another client on the key) surfaces as RATE_LIMIT_ERROR with its Retry-After; the probe does not retry, the pacer holds the next request back', async () => {
    const bed = await start();
    let refused = false;
    bed.intercept = (method) => {
      if (method !== 'GET' || refused) return null;
      refused = true;
      return new Response(JSON.stringify({ title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' }), {
        status: 429,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '1', ratelimit: '"minute";r=0;t=1', 'ratelimit-policy': '"minute";q=60;w=60' },
      });
    };
    const error = await failureOf(probesOf(bed).auth.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'RATE_LIMIT_ERROR', retryable: true, retryAfterMs: 1_000 });
    expectNoKey(error, bed.apiKey);
    const startedAt = Date.now();
    await expect(probesOf(bed).auth.run({ owner: 'tests' })).resolves.toContain('GPU types listed');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
  });

  it('a spent window fails the probe at once with RATE_LIMIT_ERROR and its retry-after, without sending (the wait passes maxPaceWaitMs)', async () => {
    const bed = await start({ rateLimits: [{ name: 'minute', quota: 1, windowMs: 60_000 }] }, { maxPaceWaitMs: 1_000 });
    await probesOf(bed).auth.run({ owner: 'tests' });
    const before = bed.calls.length;
    const error = await failureOf(probesOf(bed).execution.run({ owner: 'tests' }));
    expect(error).toMatchObject({ code: 'RATE_LIMIT_ERROR' });
    expect((error as ProviderError).retryAfterMs).toBeGreaterThan(50_000);
    expect(bed.calls.length).toBe(before);
  });
});

describe('RunPod execution probe: GET /v2/pods (the key may reach pods), then stock from GET /v2/catalog/gpus?include=AVAILABILITY; nothing is created', () => {
  it('passes with stock somewhere, and creates nothing', async () => {
    const bed = await start();
    expect(probesOf(bed).execution.costUsd).toBe(0);
    const line = await probesOf(bed).execution.run({ owner: 'tests' });
    expect(line).toMatch(/^pods readable \(0 pods\); stock now in 9 places \(NVIDIA GeForce RTX 4090 in US-KS-2 \(HIGH\), /);
    expectNoKey(line, bed.apiKey);
    expect(sent(bed)).toEqual(['GET /v2/pods', 'GET /v2/catalog/gpus']);
    expect(bed.calls.every((call) => call.method === 'GET')).toBe(true);
    expect(bed.emulator.state.pods.size).toBe(0);
  });

  it('a key restricted away from pods: auth passes, execution fails AUTH_ERROR (403 access denied), as createPod would', async () => {
    const bed = await start({}, {}, { keyAccess: { restrictedTo: ['/v2/catalog'] } });
    await expect(probesOf(bed).auth.run({ owner: 'tests' })).resolves.toContain('GPU types listed');
    const error = await failureOf(probesOf(bed).execution.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'AUTH_ERROR', message: expect.stringContaining('access denied') });
    expectNoKey(error, bed.apiKey);
    expect(bed.calls.at(-1)).toMatchObject({ method: 'GET', path: '/v2/pods', status: 403 });
  });

  it('documents the gap: a read-only key passes both probes (RunPod has no read that shows write scope), and only a spawn meets its 403', async () => {
    const bed = await start({}, {}, { keyAccess: 'read-only' });
    await probesOf(bed).auth.run({ owner: 'tests' });
    await probesOf(bed).execution.run({ owner: 'tests' });
    expect(await failureOf(bed.registration.provider.spawn(spawnOptions()))).toMatchObject({ code: 'AUTH_ERROR' });
  });

  it('no stock anywhere is CAPACITY_ERROR', async () => {
    const bed = await start({ stock: { default: 0 } });
    const error = await failureOf(probesOf(bed).execution.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'CAPACITY_ERROR', retryable: true, message: expect.stringContaining('any GPU type x1 (SECURE) in any data center') });
  });

  it('checks only readiness.gpuTypes in readiness.dataCenters, for the smallest configured GPU count', async () => {
    const noStockInKansas = { 'US-KS-2': { [GPU]: 0 } };
    const bed = await start({ stock: { default: 16, byDataCenter: noStockInKansas } }, { readiness: { gpuTypes: [GPU], dataCenters: ['US-KS-2'] } });
    expect(await failureOf(probesOf(bed).execution.run({ owner: 'tests' }))).toMatchObject({ code: 'CAPACITY_ERROR', message: expect.stringContaining(`${GPU} x1 (SECURE) in US-KS-2`) });
    await bed.close();

    const elsewhere = await start({ stock: { default: 16, byDataCenter: noStockInKansas } }, { gpuCounts: [2, 4], readiness: { gpuTypes: [GPU], dataCenters: ['US-KS-2', 'US-GA-1'] } });
    await expect(probesOf(elsewhere).execution.run({ owner: 'tests' })).resolves.toContain(`stock now in 1 place (2x ${GPU} in US-GA-1 (MEDIUM))`);
  });

  it('a GPU type RunPod does not list is CONFIG_MISSING naming readiness.gpuTypes', async () => {
    const bed = await start({}, { readiness: { gpuTypes: ['NVIDIA Imaginary 1000'] } });
    const error = await failureOf(probesOf(bed).execution.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ReadinessConfigError);
    expect(error).toMatchObject({ missing: ['providers.runpod.readiness.gpuTypes'] });
  });

  it('chaos on the pods read reaches the probe: a RATE_LIMIT_ERROR fault surfaces with its retry-after, a hang is cut by the signal', async () => {
    const bed = await start({ chaos: { seed: 1, faults: [{ operation: 'list', effect: 'error', code: 'RATE_LIMIT_ERROR', retryAfterMs: 2_000, times: 1 }] } });
    expect(await failureOf(probesOf(bed).execution.run({ owner: 'tests' }))).toMatchObject({ code: 'RATE_LIMIT_ERROR', retryAfterMs: 2_000 });

    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'list', effect: 'timeout' }] });
    const reason = new Error('probe deadline');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 100);
    const startedAt = Date.now();
    expect(await failureOf(probesOf(bed).execution.run({ owner: 'tests', signal: controller.signal }))).toBe(reason);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });
});
