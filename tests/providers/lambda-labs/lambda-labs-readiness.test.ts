import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ProviderError, ReadinessConfigError, type ReadinessProbes } from '../../../src/contracts/index.js';
import type { LambdaLabsEmulatorOptions } from '../../../src/emulators/lambda-labs/lambda-labs-options.js';
import { startLambdaLabsEmulator } from '../../../src/emulators/lambda-labs/start-lambda-labs-emulator.js';
import { type LambdaLabsConfig, LambdaLabsConfigSchema } from '../../../src/providers/lambda-labs/lambda-labs-config.js';
import { lambdaLabsConfigured } from '../../../src/providers/lambda-labs/lambda-labs-readiness.js';
import { createLambdaLabsRegistration, LambdaLabsConfigError } from '../../../src/providers/lambda-labs/lambda-labs-registration.js';
import { expectExchangesMatchSpec } from '../../emulators/lambda-labs/lambda-emulator-bed.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { LAUNCH_PATH } from './lambda-labs-test-bed.js';

/** Planted in every key: it may appear in no probe answer, error or configured check. */
const PLANTED = 'secret_planted-lambda-readiness-5v2q';
const REGIONS = ['us-east-1', 'us-west-1', 'us-south-2'];

/**
 * The provider on its emulator with a planted key (fresh per test, so the key's shared limiter never
 * carries over). By default the emulator's gate is looser than the provider's pacing, as in the
 * provider's own bed; the pacing tests tighten it.
 */
const open = useTestBed(async (options: { emulator?: LambdaLabsEmulatorOptions; config?: Partial<Record<keyof LambdaLabsConfig, unknown>>; key?: string } = {}) => {
  const apiKey = options.key ?? `${PLANTED}-${randomUUID()}`;
  const emulator = await startLambdaLabsEmulator({
    apiKeys: [apiKey],
    bootDelayMs: 30,
    terminateDelayMs: 30,
    rateLimits: { requestIntervalMs: 2, launchIntervalMs: 10, toleranceMs: 1 },
    ...options.emulator,
  });
  const config = LambdaLabsConfigSchema.parse({
    sshKeyName: 'hangar-emulator',
    regions: REGIONS,
    rateLimits: { requestIntervalMs: 10, launchIntervalMs: 30, guardMs: 2 },
    requestTimeoutMs: 2_000,
    ...options.config,
  });
  const registration = createLambdaLabsRegistration(config, { env: { LAMBDA_API_KEY: apiKey, HANGAR_LAMBDA_LABS_URL: emulator.url } });
  return {
    emulator,
    registration,
    apiKey,
    probes: registration.readiness as ReadinessProbes,
    close: async () => {
      await registration.hooks.onShutdown?.();
      await emulator.close();
    },
  };
});

function expectNoKey(outcome: unknown): void {
  const text = [String(outcome), inspect(outcome, { depth: 6, showHidden: true }), JSON.stringify(outcome ?? null)].join('\n');
  expect(text).not.toContain(PLANTED);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => new Error(`expected the probe to fail, it answered: ${String(value)}`),
    (error: unknown) => error,
  );
}

/** The gaps between the starts of consecutive requests, as the emulator saw them arrive. */
function arrivalGaps(exchanges: readonly { receivedAt: number }[]): number[] {
  const at = exchanges.map((exchange) => exchange.receivedAt).sort((a, b) => a - b);
  return at.slice(1).map((time, index) => time - (at[index] as number));
}

describe('Lambda Labs configured: an API key and an SSH key name, by name only', () => {
  it('passes for the registration, which refuses to start without a key (kept)', async () => {
    const bed = await open();
    expect(bed.probes.configured()).toEqual({ ok: true, missing: [] });
    expect(() => createLambdaLabsRegistration(LambdaLabsConfigSchema.parse({ sshKeyName: 'x' }), { env: {} })).toThrow(LambdaLabsConfigError);
  });

  it('names each missing piece and never the key it was given', () => {
    expect(lambdaLabsConfigured({ apiKey: undefined, sshKeyName: '', regions: REGIONS })).toEqual({
      ok: false,
      missing: ['LAMBDA_API_KEY (or providers."lambda-labs".apiKey)', 'providers."lambda-labs".sshKeyName'],
    });
    const check = lambdaLabsConfigured({ apiKey: `${PLANTED}-1`, sshKeyName: undefined, regions: REGIONS });
    expect(check).toEqual({ ok: false, missing: ['providers."lambda-labs".sshKeyName'] });
    expectNoKey(check);
  });
});

describe('Lambda Labs auth probe: GET /api/v1/instance-types', () => {
  it('passes and says what it saw, without the key; its requests match the OpenAPI document', async () => {
    const bed = await open();
    expect(bed.probes.auth.costUsd).toBe(0);
    const line = await bed.probes.auth.run({ owner: 'tests' });
    expect(line).toBe(`Lambda Cloud answers at ${new URL(bed.emulator.url).host}: 6 instance types listed`);
    expectNoKey(line);
    expect(bed.emulator.exchanges.map((exchange) => `${exchange.method} ${exchange.path}`)).toEqual(['GET /api/v1/instance-types']);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('a key Lambda does not know is AUTH_ERROR (401 global/invalid-api-key), and the key is nowhere in it', async () => {
    const bed = await open({ emulator: { apiKeys: ['somebody-elses-key'] } });
    const error = await failureOf(bed.probes.auth.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'AUTH_ERROR', retryable: false, message: expect.stringContaining('global/invalid-api-key') });
    expectNoKey(error);
    expect(await failureOf(bed.probes.execution.run({ owner: 'tests' }))).toMatchObject({ code: 'AUTH_ERROR' });
  });

  it('an inactive account is AUTH_ERROR (403 global/account-inactive)', async () => {
    const bed = await open();
    bed.emulator.state.accountInactive = true;
    expect(await failureOf(bed.probes.auth.run({ owner: 'tests' }))).toMatchObject({ code: 'AUTH_ERROR', message: expect.stringContaining('global/account-inactive') });
  });

  it('a 429 (another client spent the key’s second) surfaces as RATE_LIMIT_ERROR with its Retry-After, and the shared limiter holds the next request back that long', async () => {
    const bed = await open({ emulator: { rateLimits: { requestIntervalMs: 500, launchIntervalMs: 1_000, toleranceMs: 1 } } });
    const other = await fetch(`${bed.emulator.url}/api/v1/instance-types`, { headers: { authorization: `Bearer ${bed.apiKey}` } });
    expect(other.status).toBe(200);
    const error = await failureOf(bed.probes.auth.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'RATE_LIMIT_ERROR', retryable: true, retryAfterMs: 1_000 });
    expectNoKey(error);
    // The probe does not retry (the readiness layer does, after the Retry-After); the limiter makes the next one wait it out.
    await expect(bed.probes.auth.run({ owner: 'tests' })).resolves.toContain('instance types listed');
    const [refused, passed] = bed.emulator.exchanges.slice(-2);
    expect(refused?.status).toBe(429);
    expect(passed?.status).toBe(200);
    expect((passed?.receivedAt ?? 0) - (refused?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
  });
});

describe('Lambda Labs execution probe: the launch pre-checks, read (SSH key, capacity); nothing is launched', () => {
  it('passes when the SSH key exists and a type has capacity in a configured region', async () => {
    const bed = await open();
    expect(bed.probes.execution.costUsd).toBe(0);
    const line = await bed.probes.execution.run({ owner: 'tests' });
    expect(line).toMatch(/^SSH key "hangar-emulator" present; capacity now for 6 of 6 instance types in the configured regions \(gpu_1x_a10 in us-east-1 \/ us-west-1 \/ us-south-2, /);
    expectNoKey(line);
    expect(bed.emulator.exchanges.map((exchange) => `${exchange.method} ${exchange.path}`)).toEqual(['GET /api/v1/ssh-keys', 'GET /api/v1/instance-types']);
    expectExchangesMatchSpec(bed.emulator.exchanges);
    expect(bed.emulator.state.instances.size).toBe(0);
  });

  it('an SSH key the account does not have is CONFIG_MISSING naming sshKeyName (every launch would be refused)', async () => {
    const bed = await open({ config: { sshKeyName: 'ops-laptop' } });
    const error = await failureOf(bed.probes.execution.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ReadinessConfigError);
    expect(error).toMatchObject({ missing: ['providers."lambda-labs".sshKeyName'], message: expect.stringContaining('"ops-laptop"') });
    expectNoKey(error);
    // It stopped at the first pre-check.
    expect(bed.emulator.exchanges.map((exchange) => exchange.path)).toEqual(['/api/v1/ssh-keys']);
  });

  it('no capacity for any type in the configured regions is CAPACITY_ERROR, and no launch is tried', async () => {
    const bed = await open({ emulator: { capacity: { default: 0 } } });
    const error = await failureOf(bed.probes.execution.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'CAPACITY_ERROR', retryable: true, message: expect.stringContaining('any instance type') });
    expect(bed.emulator.exchanges.some((exchange) => exchange.path === LAUNCH_PATH)).toBe(false);
  });

  it('checks only the types in readiness.instanceTypes: none of them with capacity is CAPACITY_ERROR, an unknown one CONFIG_MISSING', async () => {
    const noA10 = Object.fromEntries(REGIONS.map((region) => [region, { gpu_1x_a10: 0 }]));
    const bed = await open({ emulator: { capacity: { default: 4, byRegion: noA10 } }, config: { readiness: { instanceTypes: ['gpu_1x_a10'] } } });
    expect(await failureOf(bed.probes.execution.run({ owner: 'tests' }))).toMatchObject({ code: 'CAPACITY_ERROR', message: expect.stringContaining('gpu_1x_a10') });
    await bed.close();

    const both = await open({ emulator: { capacity: { default: 4, byRegion: noA10 } }, config: { readiness: { instanceTypes: ['gpu_1x_a10', 'gpu_1x_h100_pcie'] } } });
    await expect(both.probes.execution.run({ owner: 'tests' })).resolves.toContain('capacity now for 1 of 2 instance types in the configured regions (gpu_1x_h100_pcie in us-east-1');
    await both.close();

    const unknown = await open({ config: { readiness: { instanceTypes: ['gpu_9x_imaginary'] } } });
    const error = await failureOf(unknown.probes.execution.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ReadinessConfigError);
    expect(error).toMatchObject({ missing: ['providers."lambda-labs".readiness.instanceTypes'] });
  });

  it('capacity only outside the configured regions does not count', async () => {
    const bed = await open({ emulator: { regions: ['us-east-1', 'europe-central-1'], capacity: { default: 0, byRegion: { 'europe-central-1': { gpu_1x_a10: 2 } } } }, config: { regions: ['us-east-1'] } });
    expect(await failureOf(bed.probes.execution.run({ owner: 'tests' }))).toMatchObject({ code: 'CAPACITY_ERROR' });
  });
});

describe('Lambda Labs probes are paced by the key’s one limiter, shared with spawns', () => {
  it('probes, a spawn and a list sent at once reach the emulator at least one request interval apart, and none is refused', async () => {
    const bed = await open({
      emulator: { rateLimits: { requestIntervalMs: 150, launchIntervalMs: 400, toleranceMs: 5 } },
      // The guard absorbs arrival jitter under a loaded run: requests leave 200 ms apart, the gate needs 150 - 5.
      config: { rateLimits: { requestIntervalMs: 150, launchIntervalMs: 400, guardMs: 50 } },
    });
    const { provider } = bed.registration;
    const instanceId = 'i-paced-1';
    const spawn = {
      instanceType: 'gpu_1x_a10',
      region: 'us-east-1',
      zone: null,
      spot: false,
      image: null,
      name: 'paced',
      tags: {},
      bootstrap: provider.generateBootstrap({ instanceId }),
      idempotencyToken: instanceId,
      ownership: { owner: 'tests', instanceId },
    };
    // A second registration on the same key (another control plane in the process) shares the limiter too.
    const twin = createLambdaLabsRegistration(LambdaLabsConfigSchema.parse({ sshKeyName: 'hangar-emulator', regions: REGIONS, rateLimits: { requestIntervalMs: 150, launchIntervalMs: 400, guardMs: 50 } }), {
      env: { LAMBDA_API_KEY: bed.apiKey, HANGAR_LAMBDA_LABS_URL: bed.emulator.url },
    });
    try {
      await Promise.all([
        bed.probes.auth.run({ owner: 'tests' }),
        bed.probes.execution.run({ owner: 'tests' }),
        provider.spawn(spawn),
        provider.list(),
        (twin.readiness as ReadinessProbes).auth.run({ owner: 'tests' }),
      ]);
    } finally {
      await twin.hooks.onShutdown?.();
    }
    const exchanges = bed.emulator.exchanges;
    // auth 1 + execution 2 + spawn 2 (capacity read, launch) + list 1 + the twin's auth 1
    expect(exchanges).toHaveLength(7);
    expect(exchanges.every((exchange) => exchange.status === 200)).toBe(true);
    expect(bed.emulator.gate?.refused).toEqual({ requests: 0, launches: 0 });
    for (const gap of arrivalGaps(exchanges)) expect(gap).toBeGreaterThanOrEqual(150 - 5);
  });

  it('a probe waiting for its slot stops at the signal with its reason, and sends nothing', async () => {
    const bed = await open({ config: { rateLimits: { requestIntervalMs: 5_000, launchIntervalMs: 12_000, guardMs: 0 } } });
    await bed.probes.auth.run({ owner: 'tests' });
    const reason = new Error('probe deadline');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 100);
    const startedAt = Date.now();
    expect(await failureOf(bed.probes.execution.run({ owner: 'tests', signal: controller.signal }))).toBe(reason);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(bed.emulator.exchanges).toHaveLength(1);
  });

  it('the emulator’s chaos rules cannot reach the probes: none of their reads is an operation the chaos vocabulary names', async () => {
    const bed = await open({ emulator: { chaos: { seed: 1, faults: [{ operation: '*', effect: 'error', code: 'CAPACITY_ERROR' }] } } });
    await expect(bed.probes.auth.run({ owner: 'tests' })).resolves.toContain('instance types listed');
    await expect(bed.probes.execution.run({ owner: 'tests' })).resolves.toContain('present');
    // …while the provider's own list is hit by the same rule.
    expect(await failureOf(bed.registration.provider.list())).toMatchObject({ code: 'CAPACITY_ERROR' });
  });
});
