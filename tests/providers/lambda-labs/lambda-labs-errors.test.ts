import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProviderError, type SpawnOptions } from '../../../src/contracts/index.js';
import { LambdaLabsConfigSchema } from '../../../src/providers/lambda-labs/lambda-labs-config.js';
import { parseRetryAfter } from '../../../src/providers/lambda-labs/lambda-labs-client.js';
import {
  LAMBDA_LABS_ERROR_TABLE,
  LambdaLabsCallError,
  type LambdaLabsFailure,
  type LambdaLabsOperation,
  lambdaLabsError,
  lambdaLabsErrorRow,
} from '../../../src/providers/lambda-labs/lambda-labs-errors.js';
import { LAMBDA_STATUS_TABLE, toLambdaLabsInstance } from '../../../src/providers/lambda-labs/lambda-labs-instance.js';
import { createLambdaLabsRegistration } from '../../../src/providers/lambda-labs/lambda-labs-registration.js';
import { LAMBDA_INSTANCE_STATUSES } from '../../../src/providers/lambda-labs/lambda-labs-wire.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { LAUNCH_PATH, openLambdaLabsBed } from './lambda-labs-test-bed.js';

const http = (status: number, code: string | null, retryAfterMs: number | null = null): LambdaLabsFailure => ({ kind: 'http', status, code, message: 'm', retryAfterMs });

/** One failure per row of the table, the operation it is read in, and what it must become. */
const CASES: readonly { failure: LambdaLabsFailure; operation: LambdaLabsOperation; expected: string }[] = [
  { failure: http(429, null, 2_000), operation: 'listInstances', expected: 'RATE_LIMIT_ERROR' },
  { failure: http(401, 'global/invalid-api-key'), operation: 'listInstances', expected: 'AUTH_ERROR' },
  { failure: http(403, 'global/account-inactive'), operation: 'launch', expected: 'AUTH_ERROR' },
  { failure: http(403, 'global/invalid-address'), operation: 'launch', expected: 'AUTH_ERROR' },
  { failure: http(400, 'instance-operations/launch/insufficient-capacity'), operation: 'launch', expected: 'CAPACITY_ERROR' },
  { failure: http(400, 'global/quota-exceeded'), operation: 'launch', expected: 'QUOTA_EXCEEDED' },
  { failure: http(400, 'instance-operations/launch/file-system-in-wrong-region'), operation: 'launch', expected: 'INVALID_SPEC' },
  { failure: http(400, 'global/invalid-parameters'), operation: 'launch', expected: 'INVALID_SPEC' },
  { failure: http(404, 'global/object-does-not-exist'), operation: 'launch', expected: 'INVALID_SPEC' },
  { failure: http(404, 'global/object-does-not-exist'), operation: 'getInstance', expected: 'NOT_FOUND' },
  { failure: http(400, 'global/duplicate'), operation: 'createFileSystem', expected: 'INVALID_SPEC' },
  { failure: http(400, 'filesystems/filesystem-in-use'), operation: 'deleteFileSystem', expected: 'INVALID_SPEC' },
  { failure: http(503, 'provider/internal-unavailable'), operation: 'launch', expected: 'unknown' },
  { failure: http(500, 'global/internal-error'), operation: 'launch', expected: 'unknown' },
  { failure: http(500, 'global/unknown'), operation: 'terminate', expected: 'unknown' },
  { failure: http(401, null), operation: 'listInstances', expected: 'AUTH_ERROR' },
  { failure: http(403, null), operation: 'listInstances', expected: 'AUTH_ERROR' },
  // 401 and 403 are refusals of the key or the account whatever code the body carries.
  { failure: http(403, 'global/object-does-not-exist'), operation: 'getInstance', expected: 'AUTH_ERROR' },
  { failure: http(401, 'provider/internal-unavailable'), operation: 'launch', expected: 'AUTH_ERROR' },
  { failure: http(403, 'global/internal-error'), operation: 'terminate', expected: 'AUTH_ERROR' },
  { failure: http(502, null), operation: 'launch', expected: 'unknown' },
  { failure: { kind: 'network', message: 'ECONNREFUSED' }, operation: 'launch', expected: 'unknown' },
  { failure: { kind: 'timeout', timeoutMs: 100 }, operation: 'launch', expected: 'unknown' },
];

describe('the Lambda Labs error table', () => {
  it('every row is exercised, and each failure maps as documented', () => {
    const hit = new Set<number>();
    for (const { failure, operation, expected } of CASES) {
      const row = lambdaLabsErrorRow(operation, failure);
      expect(row, JSON.stringify(failure)).toBeDefined();
      if (row !== undefined) hit.add(LAMBDA_LABS_ERROR_TABLE.indexOf(row));
      const error = lambdaLabsError(operation, failure);
      if (expected === 'unknown') {
        expect(error, JSON.stringify(failure)).toBeInstanceOf(LambdaLabsCallError);
      } else {
        expect(error, JSON.stringify(failure)).toBeInstanceOf(ProviderError);
        expect([JSON.stringify(failure), (error as ProviderError).code]).toEqual([JSON.stringify(failure), expected]);
        expect((error as ProviderError).provider).toBe('lambda-labs');
        if (expected === 'AUTH_ERROR') expect((error as ProviderError).retryable).toBe(false);
      }
    }
    expect([...hit].sort((a, b) => a - b)).toEqual(LAMBDA_LABS_ERROR_TABLE.map((_, index) => index));
  });

  it('a 429 carries Retry-After as retryAfterMs; an unlisted 4xx code is an unknown outcome, never a guess', () => {
    expect((lambdaLabsError('listInstances', http(429, 'global/too-many-requests', 3_000)) as ProviderError).retryAfterMs).toBe(3_000);
    expect(lambdaLabsError('launch', http(400, 'instance-operations/launch/something-new'))).toBeInstanceOf(LambdaLabsCallError);
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('the Lambda Labs status table', () => {
  const wire = (status: (typeof LAMBDA_INSTANCE_STATUSES)[number]) => ({
    id: 'abc',
    name: 'hangar:o:i-1',
    status,
    ssh_key_names: ['k'],
    file_system_names: [],
    region: { name: 'us-east-1', description: 'Virginia, USA' },
    instance_type: { name: 't', description: 'd', gpu_description: 'g', price_cents_per_hour: 100, specs: { vcpus: 1, memory_gib: 1, storage_gib: 1, gpus: 0 } },
  });

  it('maps every Lambda status', () => {
    const expected = { booting: 'pending', active: 'running', unhealthy: 'running', terminating: 'terminating', terminated: 'terminated', preempted: 'terminated' };
    for (const status of LAMBDA_INSTANCE_STATUSES) {
      const instance = toLambdaLabsInstance(wire(status), { firstSeenAt: '2025-01-01T00:00:00.000Z' });
      expect([status, instance.status]).toEqual([status, expected[status]]);
      expect(instance.stateReason?.code ?? null).toBe(status === 'preempted' ? 'SPOT_INTERRUPTED' : null);
      expect(LAMBDA_STATUS_TABLE[status].status).toBe(expected[status]);
    }
  });

  it('reads ownership from the name when the tags are missing', () => {
    const instance = toLambdaLabsInstance(wire('active'), { firstSeenAt: '2025-01-01T00:00:00.000Z' });
    expect([instance.owner, instance.hangarInstanceId, instance.launchedAt]).toEqual(['o', 'i-1', '2025-01-01T00:00:00.000Z']);
  });
});

const open = useTestBed(openLambdaLabsBed);

describe('vendor errors end to end through the emulator', () => {
  it('each taxonomy code the emulator renders comes back as that code from spawn', async () => {
    const bed = await open();
    for (const code of ['CAPACITY_ERROR', 'AUTH_ERROR', 'QUOTA_EXCEEDED', 'INVALID_SPEC', 'NOT_FOUND'] as const) {
      bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code }] });
      const error = await bed.provider.spawn(bed.spawnOptions()).catch((caught: unknown) => caught);
      // At launch a missing object is the spec's fault.
      expect([code, (error as ProviderError).code]).toEqual([code, code === 'NOT_FOUND' ? 'INVALID_SPEC' : code]);
    }
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'list', code: 'RATE_LIMIT_ERROR', retryAfterMs: 1_000 }] });
    const throttled = (await bed.provider.list().catch((caught: unknown) => caught)) as ProviderError;
    expect([throttled.code, throttled.retryAfterMs]).toEqual(['RATE_LIMIT_ERROR', 1_000]);
  });

  it('real vendor conditions: quota, full capacity after the pre-check, account inactive, bad key', async () => {
    const bed = await open({ emulator: { instanceQuota: 1 } });
    await bed.provider.spawn(bed.spawnOptions());
    expect(((await bed.provider.spawn(bed.spawnOptions()).catch((caught: unknown) => caught)) as ProviderError).code).toBe('QUOTA_EXCEEDED');
    bed.emulator.state.accountInactive = true;
    expect(((await bed.provider.list().catch((caught: unknown) => caught)) as ProviderError).code).toBe('AUTH_ERROR');
  });

  it('a phantom launch is an unknown outcome (not a taxonomy code), and the replay adopts the machine it made', async () => {
    const bed = await open();
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', effect: 'phantom', times: 1 }] });
    const options = bed.spawnOptions();
    const error = await bed.provider.spawn(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LambdaLabsCallError);
    // The control plane re-drives an unknown outcome with `resumed`.
    const adopted = await bed.provider.spawn({ ...options, resumed: true });
    expect(adopted.hangarInstanceId).toBe(options.ownership.instanceId);
    expect(bed.calls(LAUNCH_PATH)).toBe(1);
  });

  it('a timeout and a malformed answer are unknown outcomes too', async () => {
    const bed = await open({ config: { requestTimeoutMs: 150 } });
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'terminate', effect: 'timeout' }] });
    const timedOut = await bed.provider.terminate('abc').catch((caught: unknown) => caught);
    expect(timedOut).toBeInstanceOf(LambdaLabsCallError);
    expect((timedOut as LambdaLabsCallError).failure.kind).toBe('timeout');
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'list', effect: 'malformed' }] });
    const malformed = await bed.provider.list().catch((caught: unknown) => caught);
    expect((malformed as Error).name).toBe('VendorResponseError');
  });

  it('a network failure is an unknown outcome', async () => {
    const bed = await open();
    await bed.emulator.close();
    const error = await bed.provider.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LambdaLabsCallError);
    expect((error as LambdaLabsCallError).failure.kind).toBe('network');
  });

  it('the API key never appears in an error, a message or an instance', async () => {
    const bed = await open();
    const instance = await bed.provider.spawn(bed.spawnOptions());
    expect(JSON.stringify(instance)).not.toContain(bed.apiKey);
    const errors: unknown[] = [];
    bed.emulator.state.accountInactive = true;
    errors.push(await bed.provider.list().catch((caught: unknown) => caught));
    errors.push(await bed.registration.hooks.onHeartbeat?.('health_check'));
    bed.emulator.state.accountInactive = false;
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'get', effect: 'malformed' }] });
    errors.push(await bed.provider.get(instance.providerId).catch((caught: unknown) => caught));
    await bed.emulator.close();
    errors.push(await bed.provider.list().catch((caught: unknown) => caught));
    for (const error of errors) {
      const text = error instanceof Error ? `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)} ${String(error.cause ?? '')}` : JSON.stringify(error);
      expect(text).not.toContain(bed.apiKey);
    }
  });
});

describe('a key Lambda refuses: AUTH_ERROR everywhere, never retryable, and the key never echoed', () => {
  it('every operation and the health check answer AUTH_ERROR for a planted fake key (401) and an inactive account (403)', async () => {
    const bed = await open();
    const planted = `secret_planted-fake-key-${randomUUID()}`;
    const registration = createLambdaLabsRegistration(
      LambdaLabsConfigSchema.parse({ sshKeyName: 'hangar-emulator', regions: ['us-east-1'], rateLimits: { requestIntervalMs: 10, launchIntervalMs: 30, guardMs: 2 } }),
      { env: { LAMBDA_API_KEY: planted, HANGAR_LAMBDA_LABS_URL: bed.emulator.url } },
    );
    try {
      const surfaces = async (provider: typeof bed.provider, spawnOptions: SpawnOptions) => [
        await provider.instanceTypes().catch((caught: unknown) => caught),
        await provider.list().catch((caught: unknown) => caught),
        await provider.get('0123456789abcdef0123456789abcdef').catch((caught: unknown) => caught),
        await provider.spawn(spawnOptions).catch((caught: unknown) => caught),
        await provider.terminate('0123456789abcdef0123456789abcdef').catch((caught: unknown) => caught),
        await provider.listVolumes().catch((caught: unknown) => caught),
        await provider.getVolume('0123456789abcdef0123456789abcdef').catch((caught: unknown) => caught),
        await provider.createVolume({ name: 'data', region: 'us-east-1', zone: null, sizeGiB: 1, tags: {} }).catch((caught: unknown) => caught),
        await provider.deleteVolume('0123456789abcdef0123456789abcdef').catch((caught: unknown) => caught),
      ];
      const expectAuth = (errors: unknown[], key: string) => {
        for (const [index, error] of errors.entries()) {
          expect([index, error instanceof ProviderError && error.code, error instanceof ProviderError && error.retryable]).toEqual([index, 'AUTH_ERROR', false]);
          const text = error instanceof Error ? `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)} ${String(error.cause ?? '')}` : JSON.stringify(error);
          expect(text).not.toContain(key);
        }
      };
      expectAuth(await surfaces(registration.provider, bed.spawnOptions({ region: 'us-east-1' })), planted);
      const health = await registration.hooks.onHeartbeat?.('health_check');
      expect(health).toMatchObject({ task: 'health_check', ok: false, errorCode: 'AUTH_ERROR' });
      expect(JSON.stringify(health)).not.toContain(planted);

      bed.emulator.state.accountInactive = true;
      expectAuth(await surfaces(bed.provider, bed.spawnOptions()), bed.apiKey);
      const inactive = await bed.registration.hooks.onHeartbeat?.('health_check');
      expect(inactive).toMatchObject({ task: 'health_check', ok: false, errorCode: 'AUTH_ERROR' });
      expect(inactive?.message).toContain('inactive');
      expect(JSON.stringify(inactive)).not.toContain(bed.apiKey);
    } finally {
      await registration.hooks.onShutdown?.();
    }
  });
});
