import { describe, expect, it } from 'vitest';
import type { EmulatedInstance } from '../../../src/emulators/lambda-labs/lambda-labs-state.js';
import { LambdaLabsCallError } from '../../../src/providers/lambda-labs/lambda-labs-errors.js';
import { expectExchangesMatchSpec } from '../../emulators/lambda-labs/lambda-emulator-bed.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { type LambdaLabsTestBed, openLambdaLabsBed } from './lambda-labs-test-bed.js';

const open = useTestBed(openLambdaLabsBed);
const TERMINATE_PATH = '/api/v1/instance-operations/terminate';

/** Someone else (the console, another client) terminates the machine; this provider does not see it happen. */
function terminateElsewhere(bed: LambdaLabsTestBed, providerId: string): EmulatedInstance {
  const machine = bed.emulator.state.find(providerId);
  if (machine === undefined) throw new Error(`no machine ${providerId} in the emulator`);
  bed.emulator.state.terminate(machine);
  return machine;
}

const lastTerminateAnswer = (bed: LambdaLabsTestBed) => {
  const exchange = bed.emulator.exchanges.filter((candidate) => candidate.path === TERMINATE_PATH).at(-1);
  return [exchange?.status, (exchange?.response as { error?: { code?: string } } | undefined)?.error?.code];
};

describe('terminating a machine Lambda already terminates', () => {
  it('a machine the provider has seen terminating is not terminated again: no second call, and the answer is terminating', async () => {
    const bed = await open({ emulator: { terminateDelayMs: 60_000 } });
    const spawned = await bed.provider.spawn(bed.spawnOptions());
    expect(await bed.provider.terminate(spawned.providerId)).toEqual({ providerId: spawned.providerId, status: 'terminating' });
    expect(await bed.provider.terminate(spawned.providerId)).toEqual({ providerId: spawned.providerId, status: 'terminating' });
    expect(bed.calls(TERMINATE_PATH)).toBe(1);

    // Seen terminating in a list (terminated elsewhere): no call either.
    const other = await bed.provider.spawn(bed.spawnOptions());
    terminateElsewhere(bed, other.providerId);
    expect((await bed.provider.list()).find((instance) => instance.providerId === other.providerId)?.status).toBe('terminating');
    expect(await bed.provider.terminate(other.providerId)).toEqual({ providerId: other.providerId, status: 'terminating' });
    expect(bed.calls(TERMINATE_PATH)).toBe(1);
  });

  it('Lambda answers global/unknown; the provider confirms by a read that the machine is terminating (or terminated) and answers so', async () => {
    const bed = await open({ emulator: { terminateDelayMs: 60_000 } });
    const spawned = await bed.provider.spawn(bed.spawnOptions());
    terminateElsewhere(bed, spawned.providerId);
    expect(await bed.provider.terminate(spawned.providerId)).toEqual({ providerId: spawned.providerId, status: 'terminating' });
    expect(lastTerminateAnswer(bed)).toEqual([500, 'global/unknown']);
    expect(bed.calls(`/api/v1/instances/${spawned.providerId}`)).toBe(1);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('the same for a machine already terminated: the read says terminated, and so does terminate', async () => {
    const bed = await open();
    const spawned = await bed.provider.spawn(bed.spawnOptions());
    const machine = terminateElsewhere(bed, spawned.providerId);
    // Wait on the emulator itself: the provider must not see the machine before it terminates it.
    await waitFor('terminated in the emulator', async () => (bed.emulator.state.statusOf(machine) === 'terminated' ? true : undefined));
    expect(await bed.provider.terminate(spawned.providerId)).toEqual({ providerId: spawned.providerId, status: 'terminated' });
    expect(lastTerminateAnswer(bed)).toEqual([500, 'global/unknown']);
  });

  it('when the confirming read fails, the unknown outcome stands (never a guess)', async () => {
    const bed = await open({ emulator: { terminateDelayMs: 60_000 } });
    const spawned = await bed.provider.spawn(bed.spawnOptions());
    terminateElsewhere(bed, spawned.providerId);
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'get', code: 'RATE_LIMIT_ERROR', retryAfterMs: 1 }] });
    const error = await bed.provider.terminate(spawned.providerId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LambdaLabsCallError);
    expect((error as LambdaLabsCallError).failure).toMatchObject({ kind: 'http', status: 500, code: 'global/unknown' });
  });
});
