import { afterEach, describe, expect, it } from 'vitest';
import { GPU, type RunPodTestBed, spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';
import { abortSoon, settle } from '../../support/abort-calls.js';

/** A signal that aborts with `reason` a moment after the call starts. */
const abortSignalSoon = (reason: unknown): AbortSignal => abortSoon(reason).signal;

/**
 * Generous on purpose (a loaded 2-core machine): each abort lands about 100 ms in, and a call that
 * ignored it would wait out the 30 s request deadline.
 */
const PROMPT_MS = 2_000;

let bed: RunPodTestBed | undefined;

afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** The bed, with every request the provider starts (answered or not) noted before it goes out. */
async function openBed(): Promise<{ bed: RunPodTestBed; sent: string[] }> {
  const opened = await startRunPodTestBed();
  bed = opened;
  const sent: string[] = [];
  opened.intercept = (method, path) => {
    sent.push(`${method} ${path}`);
    return null;
  };
  return { bed: opened, sent };
}

describe('runpod: the caller’s abort signal', () => {
  it('a call with an already-aborted signal rejects with its reason and sends nothing', async () => {
    const { bed: opened, sent } = await openBed();
    const provider = opened.registration.provider;
    const controller = new AbortController();
    const reason = new Error('the caller gave up');
    controller.abort(reason);
    const call = { signal: controller.signal };
    const outcomes = await Promise.all([
      settle(provider.spawn(spawnOptions(), call)),
      settle(provider.spawn(spawnOptions({ spot: true }), call)),
      settle(provider.spawn({ ...spawnOptions(), resumed: true }, call)),
      settle(provider.list(undefined, call)),
      settle(provider.get('abc123', call)),
      settle(provider.terminate('abc123', call)),
      settle(provider.instanceTypes(call)),
      settle(provider.getSpotPrices({ instanceType: GPU }, call)),
      settle(provider.requestSpotInstance({ ...spawnOptions({ spot: true }), maxPricePerHour: 2 }, call)),
      settle(provider.cancelSpotRequest('runpod-bid-abc123', call)),
      settle(provider.createVolume({ name: 'data', region: 'US-KS-2', zone: null, sizeGiB: 10, owner: 'hangar-test' }, call)),
      settle(provider.getVolume('vol123', call)),
      settle(provider.listVolumes(undefined, call)),
      settle(provider.deleteVolume('vol123', call)),
    ]);
    for (const outcome of outcomes) expect(outcome.error).toBe(reason);
    expect(sent).toEqual([]);
  });

  it('a reason that is not an Error becomes an Error named AbortError', async () => {
    const { bed: opened, sent } = await openBed();
    const controller = new AbortController();
    controller.abort('deadline');
    const { error } = await settle(opened.registration.provider.get('abc123', { signal: controller.signal }));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AbortError');
    expect(sent).toEqual([]);
  });

  it('an abort while RunPod holds the request rejects promptly with the reason, not a RunPod failure', async () => {
    const { bed: opened } = await openBed();
    const provider = opened.registration.provider;
    opened.emulator.chaos.replace({ seed: 1, faults: [{ operation: ['list', 'spawn', 'terminate'], effect: 'timeout' }] });
    const calls: [string, (signal: AbortSignal) => Promise<unknown>][] = [
      ['list', (signal) => provider.list(undefined, { signal })],
      ['spawn (createPod)', (signal) => provider.spawn(spawnOptions(), { signal })],
      ['terminate', (signal) => provider.terminate('abc123', { signal })],
    ];
    for (const [what, call] of calls) {
      const reason = new Error(`gave up on ${what}`);
      const startedAt = Date.now();
      const outcome = await settle(call(abortSignalSoon(reason)));
      expect(outcome.error, what).toBe(reason);
      expect(outcome.at - startedAt, what).toBeLessThan(PROMPT_MS);
    }
    // The aborted delete is not followed by a read to settle its outcome.
    expect(opened.calls.filter((call) => call.method === 'GET' && call.path === '/v2/pods/abc123')).toEqual([]);
  });

  it('an abort while the pacer holds a request back rejects promptly, sends nothing, and leaves the others be', async () => {
    const { bed: opened, sent } = await openBed();
    const provider = opened.registration.provider;
    // Until RunPod's first answer says how much quota is left, the pacer lets one request go alone.
    opened.emulator.chaos.replace({ seed: 1, latency: [{ operation: 'list', delayMs: 2_000 }] });
    const reason = new Error('gave up waiting for the pacer');
    const first = settle(provider.list());
    const held = settle(provider.get('abc123', { signal: abortSignalSoon(reason) }));
    const [answered, left] = await Promise.all([first, held]);
    expect(left.error).toBe(reason);
    expect(left.at).toBeLessThan(answered.at);
    expect(answered.error).toBeUndefined();
    expect(answered.value).toEqual([]);
    expect(sent).toEqual(['GET /v2/pods']);
    // The pacer still serves the next caller.
    expect(await provider.get('abc123')).toBeNull();
  });
});
