import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../../../src/contracts/index.js';
import { type ChaosFixture, chaosFixture, machineSpec, outcome } from './chaos-fixture.js';

let fixture: ChaosFixture;

afterEach(() => {
  vi.useRealTimers();
  fixture?.dir.remove();
});

const codeOf = (error: unknown) => (error instanceof ProviderError ? error.code : String(error));

describe('chaos faults', () => {
  it('passes every call through when chaos is off', async () => {
    fixture = chaosFixture(null);
    await fixture.driver.createMachine(machineSpec('a'));
    expect((await fixture.driver.listMachines()).map((machine) => machine.name)).toEqual(['a']);
    expect(fixture.control.status()).toMatchObject({ enabled: false, faults: { total: 0 } });
  });

  it('raises a taxonomy error on the matching operation only, counted per rule', async () => {
    fixture = chaosFixture({ seed: 1, faults: [{ name: 'no-room', operation: 'spawn', code: 'CAPACITY_ERROR' }] });
    const { error } = await outcome(fixture.driver.createMachine(machineSpec('a')));
    expect(codeOf(error)).toBe('CAPACITY_ERROR');
    expect((error as ProviderError).message).toContain('no-room');
    expect(await fixture.driver.listMachines()).toEqual([]);
    expect(fixture.control.status()).toMatchObject({ counters: { 'no-room': { matched: 1, fired: 1 } }, faults: { total: 1 } });
  });

  it('matches by region, zone, instance type and spot', async () => {
    fixture = chaosFixture({
      seed: 1,
      faults: [
        { operation: 'spawn', code: 'CAPACITY_ERROR', spot: true },
        { operation: 'spawn', code: 'QUOTA_EXCEEDED', instanceType: 'orb.xlarge' },
        { operation: 'spawn', code: 'INVALID_SPEC', region: 'local-2' },
        { operation: 'spawn', code: 'AUTH_ERROR', zone: 'local-1c' },
      ],
    });
    expect(codeOf((await outcome(fixture.driver.createMachine(machineSpec('s', { spot: true })))).error)).toBe('CAPACITY_ERROR');
    expect(codeOf((await outcome(fixture.driver.createMachine(machineSpec('x', { instanceType: 'orb.xlarge' })))).error)).toBe(
      'QUOTA_EXCEEDED',
    );
    expect(codeOf((await outcome(fixture.driver.createMachine(machineSpec('r', { region: 'local-2' }, ['local-2a'])))).error)).toBe(
      'INVALID_SPEC',
    );
    expect(codeOf((await outcome(fixture.driver.createMachine(machineSpec('z', {}, ['local-1c'])))).error)).toBe('AUTH_ERROR');
    expect((await outcome(fixture.driver.createMachine(machineSpec('ok')))).value?.name).toBe('ok');
  });

  it('fires only after N calls, and at most `times` times', async () => {
    fixture = chaosFixture({ seed: 1, faults: [{ operation: 'get', code: 'RATE_LIMIT_ERROR', retryAfterMs: 1500, after: 2, times: 2 }] });
    const results = [];
    for (let i = 0; i < 6; i += 1) results.push(await outcome(fixture.driver.getMachine('nothing')));
    expect(results.map((result) => (result.error ? codeOf(result.error) : 'ok'))).toEqual([
      'ok',
      'ok',
      'RATE_LIMIT_ERROR',
      'RATE_LIMIT_ERROR',
      'ok',
      'ok',
    ]);
    expect((results[2]?.error as ProviderError).retryAfterMs).toBe(1500);
  });

  it('fires with the given probability, reproducibly', async () => {
    const run = async () => {
      const local = chaosFixture({ seed: 99, faults: [{ operation: 'get', code: 'NOT_FOUND', probability: 0.3 }] });
      const pattern: string[] = [];
      for (let i = 0; i < 200; i += 1) pattern.push((await outcome(local.driver.getMachine('x'))).error ? 'F' : '.');
      local.dir.remove();
      return pattern.join('');
    };
    const first = await run();
    expect(await run()).toBe(first);
    const fired = first.split('').filter((mark) => mark === 'F').length;
    expect(fired).toBeGreaterThan(35);
    expect(fired).toBeLessThan(85);
  });

  it('adds latency with jitter', async () => {
    vi.useFakeTimers();
    fixture = chaosFixture({ seed: 1, latency: [{ operation: 'list', delayMs: 1000, jitterMs: 0 }] });
    let done = false;
    const listing = fixture.driver.listMachines().then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await listing;
    expect(done).toBe(true);
  });

  it('times out by never answering', async () => {
    fixture = chaosFixture({ seed: 1, faults: [{ operation: 'get', effect: 'timeout' }] });
    const answer = fixture.driver.getMachine('x').then(() => 'answered');
    const winner = await Promise.race([answer, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 50))]);
    expect(winner).toBe('still waiting');
  });

  it('phantom create: the call fails but the machine exists', async () => {
    fixture = chaosFixture({ seed: 1, faults: [{ operation: 'spawn', effect: 'phantom', times: 1 }] });
    const { error } = await outcome(fixture.driver.createMachine(machineSpec('ghost')));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect((await fixture.inner.getMachine('ghost'))?.name).toBe('ghost');
  });

  it('malformed: a success whose body the adapter cannot read', async () => {
    fixture = chaosFixture({ seed: 1, faults: [{ operation: 'get', effect: 'malformed' }] });
    await fixture.driver.createMachine(machineSpec('a'));
    expect((await fixture.driver.getMachine('a'))?.state).toBe('chaos:unreadable');
  });
});

describe('chaos resource constraints', () => {
  it('holds capacity per instance type and zone, moving on to a zone with room', async () => {
    fixture = chaosFixture({ seed: 1, capacity: [{ zone: 'local-1a', instanceType: 'orb.medium', limit: 1 }] });
    expect((await fixture.driver.createMachine(machineSpec('a'))).metadata.zone).toBe('local-1a');
    expect((await fixture.driver.createMachine(machineSpec('b'))).metadata.zone).toBe('local-1b');
    const { error } = await outcome(fixture.driver.createMachine(machineSpec('c', {}, ['local-1a'])));
    expect(codeOf(error)).toBe('CAPACITY_ERROR');
    expect(fixture.control.status()).toMatchObject({ counters: { 'capacity[0]': { fired: 1 } } });
  });

  it('enforces account quotas on instances and vCPUs', async () => {
    fixture = chaosFixture({ seed: 1, quotas: { instances: 2, vcpus: 100 } });
    await fixture.driver.createMachine(machineSpec('a'));
    await fixture.driver.createMachine(machineSpec('b'));
    expect(codeOf((await outcome(fixture.driver.createMachine(machineSpec('c')))).error)).toBe('QUOTA_EXCEEDED');
    fixture.dir.remove();
    fixture = chaosFixture({ seed: 1, quotas: { vcpus: 3 } });
    await fixture.driver.createMachine(machineSpec('a'));
    expect(codeOf((await outcome(fixture.driver.createMachine(machineSpec('b')))).error)).toBe('QUOTA_EXCEEDED');
  });
});

describe('chaos vendor quirks', () => {
  it('list lag: a new machine is missing from list for a while, but get finds it', async () => {
    fixture = chaosFixture({ seed: 1, quirks: { listLagMs: 5000 } });
    await fixture.driver.createMachine(machineSpec('a'));
    expect(await fixture.driver.listMachines()).toEqual([]);
    expect((await fixture.driver.getMachine('a'))?.name).toBe('a');
    fixture.clock.now += 5000;
    expect((await fixture.driver.listMachines()).map((machine) => machine.name)).toEqual(['a']);
  });

  it('slow terminate: a deleted machine keeps answering deleting', async () => {
    fixture = chaosFixture({ seed: 1, quirks: { slowTerminateMs: 10_000 } });
    await fixture.driver.createMachine(machineSpec('a'));
    expect((await fixture.driver.deleteMachine('a'))?.state).toBe('deleting');
    fixture.clock.now += 1000;
    expect(await fixture.inner.getMachine('a')).toBeNull();
    expect((await fixture.driver.getMachine('a'))?.state).toBe('deleting');
    expect((await fixture.driver.listMachines()).map((machine) => machine.state)).toEqual(['deleting']);
    fixture.clock.now += 9000;
    expect(await fixture.driver.getMachine('a')).toBeNull();
    expect(await fixture.driver.deleteMachine('a')).toBeNull();
  });

  it('slow boot: a machine stays starting past its boot time', async () => {
    fixture = chaosFixture({ seed: 1, quirks: { slowBoot: { extraMs: 60_000 } } });
    await fixture.driver.createMachine(machineSpec('a'));
    fixture.clock.now += 2000;
    expect((await fixture.inner.getMachine('a'))?.state).toBe('running');
    expect((await fixture.driver.getMachine('a'))?.state).toBe('starting');
    fixture.clock.now += 60_000;
    expect((await fixture.driver.getMachine('a'))?.state).toBe('running');
  });
});

describe('chaos drift', () => {
  it.each([
    ['vanish', (names: string[]) => expect(names).toHaveLength(2)],
    ['status', (_names: string[], states: string[]) => expect(states).toContain('stopped')],
    ['spec', (_names: string[], _states: string[], types: string[]) => expect(types.some((type) => type !== 'orb.medium')).toBe(true)],
    ['foreign', (names: string[]) => expect(names.some((name) => name.startsWith('hangar-foreign-'))).toBe(true)],
  ] as const)('%s', async (kind, check) => {
    fixture = chaosFixture({ seed: 1, drift: [{ kind, times: 1 }] });
    for (const name of ['a', 'b', 'c']) await fixture.inner.createMachine(machineSpec(name));
    fixture.clock.now += 2000;
    const machines = await fixture.driver.listMachines();
    check(
      machines.map((machine) => machine.name),
      machines.map((machine) => machine.state),
      machines.map((machine) => machine.metadata.instanceType),
    );
    expect(fixture.control.status()).toMatchObject({ faults: { recent: [{ effect: `drift-${kind}` }] } });
  });

  it('a foreign machine carries our ownership marker', async () => {
    fixture = chaosFixture({ seed: 1, drift: [{ kind: 'foreign', times: 1, owner: 'team-a' }] });
    const [foreign] = await fixture.driver.listMachines();
    expect(foreign?.metadata.tags['hangar:owner']).toBe('team-a');
    expect(foreign?.metadata.tags['hangar:instance-id']).toMatch(/^i-foreign-/);
  });
});

describe('chaos spot interruptions', () => {
  it('serves a notice, then reclaims the machine as SPOT_INTERRUPTED', async () => {
    fixture = chaosFixture({ seed: 1, spotInterruptions: { probability: 1, noticeMs: 2000 } });
    await fixture.driver.createMachine(machineSpec('spot', { spot: true }));
    await fixture.driver.createMachine(machineSpec('steady'));
    const noticed = await fixture.driver.getMachine('spot');
    expect(noticed?.stateReason).toMatchObject({ code: 'SPOT_INTERRUPTED' });
    expect(noticed?.stateReason?.message).toContain('notice');
    expect((await fixture.driver.getMachine('steady'))?.stateReason).toBeNull();
    fixture.clock.now += 2000;
    const reclaimed = await fixture.driver.getMachine('spot');
    expect(reclaimed).toMatchObject({ state: 'terminated', stateReason: { code: 'SPOT_INTERRUPTED' } });
    fixture.clock.now += 1000;
    expect(await fixture.inner.getMachine('spot')).toBeNull();
    expect((await fixture.driver.listMachines()).find((machine) => machine.name === 'spot')?.state).toBe('terminated');
    expect(await fixture.driver.deleteMachine('spot')).toBeNull();
  });
});
