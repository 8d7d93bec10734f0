import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { spawnOptions, startAwsTestBed } from './aws-test-bed.js';

const open = useTestBed(startAwsTestBed);

describe('AWS under EC2 eventual consistency', () => {
  it('get answers a just-launched instance as pending while EC2 does not know it yet, and null once the window has passed', async () => {
    const bed = await open({ consistencyLagMs: 5_000 }, { consistencyWindowMs: 60_000 });
    const { provider } = bed.registration;
    const spawned = await provider.spawn(spawnOptions());
    const early = await provider.get(spawned.providerId);
    expect(early).toMatchObject({ providerId: spawned.providerId, status: 'pending' });
    bed.clock += 5_000;
    expect((await provider.get(spawned.providerId))?.status).toBe('running');
    expect(await provider.get('i-0123456789abcdef9')).toBeNull();
  });

  it('takes a NotFound as absence once the window has passed', async () => {
    const bed = await open({ consistencyLagMs: 90_000 }, { consistencyWindowMs: 60_000 });
    const { provider } = bed.registration;
    const spawned = await provider.spawn(spawnOptions());
    bed.clock += 60_000;
    expect(await provider.get(spawned.providerId)).toBeNull();
  });

  it('refuses to report a fresh launch terminated on NotFound, so the control plane asks again', async () => {
    const bed = await open({ consistencyLagMs: 5_000 });
    const { provider } = bed.registration;
    const spawned = await provider.spawn(spawnOptions());
    await expect(provider.terminate(spawned.providerId)).rejects.toThrow(/eventual consistency/);
    bed.clock += 5_000;
    expect(await provider.terminate(spawned.providerId)).toEqual({ providerId: spawned.providerId, status: 'terminating' });
  });

  it('does not ask EC2 again to terminate a machine it saw shutting down', async () => {
    const bed = await open();
    const { provider } = bed.registration;
    const spawned = await provider.spawn(spawnOptions());
    await provider.terminate(spawned.providerId);
    const asked = bed.emulator.calls.get('TerminateInstances');
    expect(await provider.terminate(spawned.providerId)).toEqual({ providerId: spawned.providerId, status: 'terminating' });
    expect(bed.emulator.calls.get('TerminateInstances')).toBe(asked);

    const other = await provider.spawn(spawnOptions());
    bed.clock += 1_000;
    await provider.terminate(other.providerId);
    bed.clock += 2_000;
    expect((await provider.get(other.providerId))?.status).toBe('terminated');
    const before = bed.emulator.calls.get('TerminateInstances');
    expect(await provider.terminate(other.providerId)).toEqual({ providerId: other.providerId, status: 'terminated' });
    expect(bed.emulator.calls.get('TerminateInstances')).toBe(before);
  });
});
