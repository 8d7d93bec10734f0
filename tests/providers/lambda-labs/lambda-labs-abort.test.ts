import { afterEach, describe, expect, it } from 'vitest';
import { InFlight } from '../../../src/providers/lambda-labs/in-flight.js';
import { rateLimiterFor } from '../../../src/providers/lambda-labs/rate-limiter.js';
import { LAUNCH_PATH, type LambdaLabsTestBed, openLambdaLabsBed } from './lambda-labs-test-bed.js';
import { abortSoon, settle } from '../../support/abort-calls.js';

/** A signal that aborts with `reason` a moment after the call starts. */
const abortSignalSoon = (reason: unknown): AbortSignal => abortSoon(reason).signal;

/**
 * Generous on purpose (a loaded 2-core machine): each abort lands about 100 ms in, and a call that
 * ignored it would wait out a 30 s request deadline or a 10 s pacing slot.
 */
const PROMPT_MS = 2_000;
const INSTANCES_PATH = '/api/v1/instances';

let bed: LambdaLabsTestBed | undefined;

afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe('lambda-labs: the caller’s abort signal', () => {
  it('a call with an already-aborted signal rejects with its reason and sends nothing', async () => {
    bed = await openLambdaLabsBed();
    const { provider } = bed;
    const controller = new AbortController();
    const reason = new Error('the caller gave up');
    controller.abort(reason);
    const call = { signal: controller.signal };
    const outcomes = await Promise.all([
      settle(provider.spawn(bed.spawnOptions(), call)),
      settle(provider.spawn({ ...bed.spawnOptions(), resumed: true }, call)),
      settle(provider.list(undefined, call)),
      settle(provider.get('0920582c7ff041399e34823a0be62549', call)),
      settle(provider.terminate('0920582c7ff041399e34823a0be62549', call)),
      settle(provider.instanceTypes(call)),
      settle(provider.createVolume({ name: 'data', region: 'us-east-1', zone: null, sizeGiB: 10, tags: {} }, call)),
      settle(provider.getVolume('398578a2336b49079e74043f0bd2cfe8', call)),
      settle(provider.listVolumes(undefined, call)),
      settle(provider.deleteVolume('398578a2336b49079e74043f0bd2cfe8', call)),
    ]);
    for (const outcome of outcomes) expect(outcome.error).toBe(reason);
    expect(bed.emulator.exchanges).toEqual([]);
    expect(rateLimiterFor(bed.apiKey).pending()).toEqual({ requests: 0, launches: 0 });
  });

  it('a reason that is not an Error becomes an Error named AbortError', async () => {
    bed = await openLambdaLabsBed();
    const controller = new AbortController();
    controller.abort('deadline');
    const { error } = await settle(bed.provider.list(undefined, { signal: controller.signal }));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AbortError');
    expect(bed.emulator.exchanges).toEqual([]);
  });

  it('an abort while Lambda holds the request rejects promptly with the reason, not a Lambda failure', async () => {
    const open = await openLambdaLabsBed({ config: { requestTimeoutMs: 30_000 } });
    bed = open;
    // The catalog is cached first, so the spawn's only request is the launch.
    await open.provider.instanceTypes();
    open.emulator.chaos.replace({ seed: 1, faults: [{ operation: ['list', 'spawn'], effect: 'timeout' }] });
    const calls: [string, (signal: AbortSignal) => Promise<unknown>][] = [
      ['list', (signal) => open.provider.list(undefined, { signal })],
      ['spawn (the launch)', (signal) => open.provider.spawn(open.spawnOptions(), { signal })],
    ];
    for (const [what, call] of calls) {
      const reason = new Error(`gave up on ${what}`);
      const startedAt = Date.now();
      const outcome = await settle(call(abortSignalSoon(reason)));
      expect(outcome.error, what).toBe(reason);
      expect(outcome.at - startedAt, what).toBeLessThan(PROMPT_MS);
    }
    expect(open.calls(LAUNCH_PATH)).toBe(0);
  });

  it('an abort during a terminate Lambda holds rejects with the reason and reads nothing to settle it', async () => {
    bed = await openLambdaLabsBed({ config: { requestTimeoutMs: 30_000 } });
    const machine = await bed.provider.spawn(bed.spawnOptions());
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'terminate', effect: 'timeout' }] });
    const reason = new Error('gave up on terminate');
    const startedAt = Date.now();
    const outcome = await settle(bed.provider.terminate(machine.providerId, { signal: abortSignalSoon(reason) }));
    expect(outcome.error).toBe(reason);
    expect(outcome.at - startedAt).toBeLessThan(PROMPT_MS);
    expect(bed.calls(`${INSTANCES_PATH}/${machine.providerId}`)).toBe(0);
  });

  it('an abort while waiting for a pacing slot rejects promptly, frees the slot and sends nothing', async () => {
    bed = await openLambdaLabsBed({ config: { rateLimits: { requestIntervalMs: 10_000, launchIntervalMs: 10_000, guardMs: 0 } } });
    await bed.provider.list();
    const limiter = rateLimiterFor(bed.apiKey);
    const reason = new Error('gave up waiting for a slot');
    const startedAt = Date.now();
    const waiting = settle(bed.provider.get('0920582c7ff041399e34823a0be62549', { signal: abortSignalSoon(reason) }));
    expect(limiter.pending().requests).toBe(1);
    const outcome = await waiting;
    expect(outcome.error).toBe(reason);
    expect(outcome.at - startedAt).toBeLessThan(PROMPT_MS);
    expect(limiter.pending().requests).toBe(0);
    expect(bed.emulator.exchanges.map((exchange) => exchange.path)).toEqual([INSTANCES_PATH]);
  });

  it('one caller’s abort does not cancel a shared list request for the others', async () => {
    bed = await openLambdaLabsBed({ config: { requestTimeoutMs: 30_000 } });
    const machine = await bed.provider.spawn(bed.spawnOptions());
    bed.emulator.chaos.replace({ seed: 1, latency: [{ operation: 'list', delayMs: 2_000 }] });
    const reason = new Error('one caller gave up');
    const patient = settle(bed.provider.list());
    const impatient = settle(bed.provider.list(undefined, { signal: abortSignalSoon(reason) }));
    const [kept, left] = await Promise.all([patient, impatient]);
    expect(left.error).toBe(reason);
    expect(left.at).toBeLessThan(kept.at);
    expect(kept.error).toBeUndefined();
    expect(kept.value?.map((instance) => instance.providerId)).toEqual([machine.providerId]);
    expect(bed.calls(INSTANCES_PATH)).toBe(1);
  });
});

describe('InFlight: a shared request and its callers’ signals', () => {
  it('goes on while any caller waits, and is aborted only when the last one has left', async () => {
    const started: AbortSignal[] = [];
    const flight = new InFlight<string>((signal) => {
      started.push(signal);
      return new Promise<string>(() => {});
    });
    const first = new AbortController();
    const second = new AbortController();
    const a = settle(flight.run(first.signal));
    const b = settle(flight.run(second.signal));
    expect(started).toHaveLength(1);

    const firstReason = new Error('first left');
    first.abort(firstReason);
    expect((await a).error).toBe(firstReason);
    expect(started[0]?.aborted).toBe(false);

    const secondReason = new Error('second left');
    second.abort(secondReason);
    expect((await b).error).toBe(secondReason);
    expect(started[0]?.aborted).toBe(true);

    // Nobody shares an abandoned request: the next caller starts a new one.
    void settle(flight.run());
    expect(started).toHaveLength(2);
  });

  it('a caller without a signal keeps the request going, and everyone gets its answer', async () => {
    let answer: (value: string) => void = () => undefined;
    const started: AbortSignal[] = [];
    const flight = new InFlight<string>((signal) => {
      started.push(signal);
      return new Promise<string>((resolve) => {
        answer = resolve;
      });
    });
    const leaving = new AbortController();
    const patient = settle(flight.run());
    const impatient = settle(flight.run(leaving.signal));
    leaving.abort(new Error('left'));
    await impatient;
    expect(started[0]?.aborted).toBe(false);
    answer('the list');
    expect((await patient).value).toBe('the list');
  });
});
