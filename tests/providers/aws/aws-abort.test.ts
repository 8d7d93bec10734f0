import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ProviderCallOptions } from '../../../src/contracts/index.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { Batcher } from '../../../src/providers/aws/batcher.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { type AwsTestBed, spawnOptions, startAwsTestBed } from './aws-test-bed.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

/**
 * The AWS provider honours its call's signal (`ProviderCallOptions`): an aborted call sends nothing,
 * an abort in flight rejects the call at once with the signal's reason and drops the SDK request,
 * and a shared DescribeInstances batch goes on for the callers still waiting. Against the EC2
 * emulator on loopback; slow answers come from its chaos latency rules, or from a holding hop in
 * front of it for the calls chaos does not cover (the catalog, DescribeSubnets).
 */

const AN_INSTANCE_ID = 'i-0123456789abcdef0';

interface Bed extends AwsTestBed {
  /** Operations the SDK was asked to send (its first middleware step, before signing and sending). */
  sent: string[];
}

const open = useTestBed(async (options: Ec2EmulatorOptions = {}, config: Record<string, unknown> = {}): Promise<Bed> => {
  const sent: string[] = [];
  const bed = await startAwsTestBed(options, { onRequest: (operation) => sent.push(operation) }, config);
  return Object.assign(bed, { sent });
});

function aborted(reason?: unknown): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}

function totalCalls(bed: AwsTestBed): number {
  return [...bed.emulator.calls.values()].reduce((sum, count) => sum + count, 0);
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** When the promise rejected (ms since the epoch) and with what; a resolution or no answer within `limitMs` is a failure. */
async function rejection(promise: Promise<unknown>, limitMs = 5_000): Promise<{ error: unknown; at: number }> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending ${limitMs} ms later`)), limitMs);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => {
          throw new Error(`resolved instead of rejecting: ${JSON.stringify(value)?.slice(0, 200)}`);
        },
        (error: unknown) => ({ error, at: Date.now() }),
      ),
      limit,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the promise's clock now, so several calls aborted together are timed independently of the order they are awaited in. */
function timed(promise: Promise<unknown>): Promise<{ error: unknown; at: number }> {
  const settled = rejection(promise, 15_000);
  settled.catch(() => undefined);
  return settled;
}

interface HoldingHop {
  readonly url: string;
  /** Where requests are forwarded (the emulator's URL). */
  target: string;
  /** Actions received, in order. */
  readonly actions: string[];
  /** Requests received and not yet closed (answered, or dropped by the client). */
  open(): number;
  /** Requests the client closed before they were answered. */
  dropped(): number;
  close(): Promise<void>;
}

const HOP_HEADERS_DROPPED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'expect', 'keep-alive']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) => (HOP_HEADERS_DROPPED.has(name) || value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])),
  );
}

/**
 * A loopback hop in front of the emulator: a request whose Action is in `hold` waits that long
 * (Infinity: it is never answered) before it is forwarded; the rest go through at once. The
 * emulator accepts any well-formed signature, so the changed Host does not matter.
 */
async function startHoldingHop(hold: Readonly<Record<string, number>>): Promise<HoldingHop> {
  const actions: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let openCount = 0;
  let droppedCount = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
      actions.push(action);
      openCount += 1;
      response.on('close', () => {
        openCount -= 1;
        if (!response.writableEnded) droppedCount += 1;
      });
      const delay = hold[action] ?? 0;
      if (delay === Infinity) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void (async () => {
          try {
            const answer = await fetch(`${hop.target}${request.url ?? '/'}`, { method: request.method ?? 'POST', headers: forwardable(request.headers), body });
            const answerBody = Buffer.from(await answer.arrayBuffer());
            if (response.destroyed) return;
            response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' });
            response.end(answerBody);
          } catch {
            response.destroy();
          }
        })();
      }, delay);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const hop: HoldingHop = {
    url: `http://127.0.0.1:${port}`,
    target: '',
    actions,
    open: () => openCount,
    dropped: () => droppedCount,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return hop;
}

/** A bed whose provider talks to a holding hop, and the hop to the bed's emulator. */
async function openBehindHop(hold: Readonly<Record<string, number>>, options: Ec2EmulatorOptions = {}, config: Record<string, unknown> = {}): Promise<Bed & { hop: HoldingHop }> {
  const hop = await startHoldingHop(hold);
  const bed = await open(options, { ...config, endpoint: hop.url });
  hop.target = bed.emulator.url;
  const closeBed = bed.close.bind(bed);
  return Object.assign(bed, {
    hop,
    close: async () => {
      await hop.close();
      await closeBed();
    },
  });
}

describe('AWS provider: a call whose signal has already aborted', () => {
  it('rejects every method with the reason at once and sends EC2 nothing', async () => {
    const bed = await open();
    const provider = bed.registration.provider;
    const reason = new Error('the caller gave up');
    const call: ProviderCallOptions = { signal: aborted(reason) };
    const calls: Record<string, () => Promise<unknown>> = {
      spawn: () => provider.spawn(spawnOptions(), call),
      get: () => provider.get(AN_INSTANCE_ID, call),
      list: () => provider.list(undefined, call),
      terminate: () => provider.terminate(AN_INSTANCE_ID, call),
      instanceTypes: () => provider.instanceTypes(call),
      createSnapshot: () => provider.createSnapshot(AN_INSTANCE_ID, undefined, call),
      getSnapshotStatus: () => provider.getSnapshotStatus('snap-0123456789abcdef0', call),
      deleteSnapshot: () => provider.deleteSnapshot('snap-0123456789abcdef0', call),
      requestSpotInstance: () => provider.requestSpotInstance({ ...spawnOptions(), spot: true, maxPricePerHour: null }, call),
      cancelSpotRequest: () => provider.cancelSpotRequest('sir-01234567', call),
      getSpotPrices: () => provider.getSpotPrices(undefined, call),
      createVolume: () => provider.createVolume({ name: 'data', region: 'us-east-1', zone: null, sizeGiB: 10, tags: {}, owner: 'hangar-test' }, call),
      getVolume: () => provider.getVolume('vol-0123456789abcdef0', call),
      listVolumes: () => provider.listVolumes(undefined, call),
      deleteVolume: () => provider.deleteVolume('vol-0123456789abcdef0', call),
    };
    for (const [method, run] of Object.entries(calls)) {
      const { error } = await rejection(run(), 1_000);
      expect([method, error]).toEqual([method, reason]);
    }
    expect(bed.sent).toEqual([]);
    expect(totalCalls(bed)).toBe(0);
    expect(bed.emulator.state.instances.size).toBe(0);
  });

  it('rejects with an AbortError when the reason is not an Error', async () => {
    const bed = await open();
    const provider = bed.registration.provider;
    for (const signal of [aborted('client went away'), aborted()]) {
      const { error } = await rejection(provider.get(AN_INSTANCE_ID, { signal }), 1_000);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('AbortError');
    }
    const { error } = await rejection(provider.spawn(spawnOptions(), { signal: aborted('client went away') }), 1_000);
    expect((error as Error).message).toContain('client went away');
    expect(bed.sent).toEqual([]);
  });
});

describe('AWS provider: a call aborted in flight', () => {
  it('rejects spawn, get, list and terminate within moments of the abort, each with its reason, while EC2 takes 10 s', async () => {
    const bed = await open();
    const provider = bed.registration.provider;
    const existing = await provider.spawn(spawnOptions());
    const before = { run: bed.emulator.calls.get('RunInstances') ?? 0, describe: bed.emulator.calls.get('DescribeInstances') ?? 0 };
    bed.emulator.chaos.replace({ seed: 1, latency: [{ operation: '*', delayMs: 10_000 }] });
    const controllers = { spawn: new AbortController(), get: new AbortController(), list: new AbortController(), terminate: new AbortController() };
    const settled = {
      spawn: timed(provider.spawn(spawnOptions(), { signal: controllers.spawn.signal })),
      get: timed(provider.get(existing.providerId, { signal: controllers.get.signal })),
      list: timed(provider.list({ owner: 'hangar-test' }, { signal: controllers.list.signal })),
      terminate: timed(provider.terminate(existing.providerId, { signal: controllers.terminate.signal })),
    };
    // Every request has reached EC2 and is being held there.
    await until(
      () =>
        (bed.emulator.calls.get('RunInstances') ?? 0) === before.run + 1 &&
        (bed.emulator.calls.get('DescribeInstances') ?? 0) === before.describe + 2 &&
        bed.emulator.calls.get('TerminateInstances') === 1,
      'the four requests to reach the emulator',
    );
    const reasons = Object.fromEntries(Object.keys(controllers).map((method) => [method, new Error(`deadline of ${method}`)]));
    const abortedAt = Date.now();
    for (const [method, controller] of Object.entries(controllers)) controller.abort(reasons[method]);
    for (const [method, outcome] of Object.entries(settled)) {
      const { error, at } = await outcome;
      expect([method, error]).toEqual([method, reasons[method]]);
      // Generous: the abort itself rejects (well under 100 ms); EC2 would have answered 10 s later.
      expect(at - abortedAt).toBeLessThan(1_000);
    }
  });

  it('ends only the aborted caller’s wait on a shared DescribeInstances batch', async () => {
    const bed = await open();
    const provider = bed.registration.provider;
    const [first, second] = [await provider.spawn(spawnOptions()), await provider.spawn(spawnOptions())];
    const describes = bed.emulator.calls.get('DescribeInstances') ?? 0;
    bed.emulator.chaos.replace({ seed: 1, latency: [{ operation: 'get', delayMs: 1_500 }] });
    const controller = new AbortController();
    const gaveUp = timed(provider.get(first.providerId, { signal: controller.signal }));
    const stillWaiting = provider.get(second.providerId);
    await until(() => (bed.emulator.calls.get('DescribeInstances') ?? 0) === describes + 1, 'the batched DescribeInstances');
    const reason = new Error('this caller stopped waiting');
    const abortedAt = Date.now();
    controller.abort(reason);
    const { error, at } = await gaveUp;
    expect(error).toBe(reason);
    expect(at - abortedAt).toBeLessThan(1_000);
    // The other get is answered by the same request, which was neither aborted nor sent again.
    expect((await stillWaiting)?.providerId).toBe(second.providerId);
    expect(bed.emulator.calls.get('DescribeInstances')).toBe(describes + 1);
  });

  it('instanceTypes: rejects with the reason and the SDK drops every catalog request it had in flight', async () => {
    const bed = await openBehindHop({
      DescribeInstanceTypes: Infinity,
      DescribeAvailabilityZones: Infinity,
      DescribeInstanceTypeOfferings: Infinity,
      DescribeSpotPriceHistory: Infinity,
    });
    const controller = new AbortController();
    const settled = timed(bed.registration.provider.instanceTypes({ signal: controller.signal }));
    // Two regions, four catalog calls each, all held.
    await until(() => bed.hop.open() === 8, 'the catalog requests to reach the hop');
    const reason = new Error('catalog deadline');
    const abortedAt = Date.now();
    controller.abort(reason);
    const { error, at } = await settled;
    expect(error).toBe(reason);
    expect(at - abortedAt).toBeLessThan(1_000);
    await until(() => bed.hop.open() === 0, 'the SDK to close its requests', 5_000);
    expect(bed.hop.dropped()).toBe(8);
  });
});

describe('AWS provider: what an aborted spawn leaves behind', () => {
  const SUBNET = 'subnet-0aaaaaaaaaaaaaaa1';
  const NETWORK: Ec2EmulatorOptions = { subnets: [{ subnetId: SUBNET, zone: 'us-east-1a' }] };

  it('aborted before RunInstances (while the subnets are read): no machine, and the shared subnet read still completes', async () => {
    const bed = await openBehindHop({ DescribeSubnets: 1_000 }, NETWORK, { subnetId: SUBNET });
    const controller = new AbortController();
    const settled = timed(bed.registration.provider.spawn(spawnOptions(), { signal: controller.signal }));
    await until(() => bed.hop.actions.includes('DescribeSubnets'), 'the subnet read');
    const reason = new Error('spawn deadline');
    controller.abort(reason);
    expect((await settled).error).toBe(reason);
    // The subnet read is shared (cached for every spawn), so it is not dropped; once it is answered, nothing follows it.
    await until(() => bed.hop.open() === 0, 'the subnet read to be answered', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bed.hop.dropped()).toBe(0);
    expect(bed.sent).toEqual(['DescribeSubnets']);
    expect(bed.emulator.calls.get('RunInstances')).toBeUndefined();
    expect(bed.emulator.state.instances.size).toBe(0);
  });

  it('aborted while RunInstances is in flight: the machine EC2 made carries the ownership tags, so it can be adopted', async () => {
    const bed = await open();
    const provider = bed.registration.provider;
    bed.emulator.chaos.replace({ seed: 1, latency: [{ operation: 'spawn', delayMs: 1_500 }] });
    const options = spawnOptions();
    const controller = new AbortController();
    const settled = timed(provider.spawn(options, { signal: controller.signal }));
    await until(() => bed.emulator.calls.get('RunInstances') === 1, 'RunInstances to reach the emulator');
    const reason = new Error('spawn deadline');
    const abortedAt = Date.now();
    controller.abort(reason);
    const { error, at } = await settled;
    expect(error).toBe(reason);
    expect(at - abortedAt).toBeLessThan(1_000);
    // EC2 (here the emulator) still carries out a request it received: the launch happens after the caller left.
    await until(() => bed.emulator.state.instances.size === 1, 'the launch the emulator was holding');
    bed.emulator.chaos.clear();
    const [found] = await provider.list({ owner: options.ownership.owner });
    expect(found).toMatchObject({
      owner: options.ownership.owner,
      hangarInstanceId: options.ownership.instanceId,
      tags: { 'hangar:owner': options.ownership.owner, 'hangar:instance-id': options.ownership.instanceId },
    });
    // The retried spawn (same idempotency token) finds that machine rather than making a second one.
    expect((await provider.spawn(options)).providerId).toBe(found?.providerId);
    expect(bed.emulator.state.instances.size).toBe(1);
  });
});

describe('batcher: one caller’s signal', () => {
  function slowBatcher() {
    const runs: { keys: string[]; signal: AbortSignal }[] = [];
    const batcher = new Batcher<string, string>({
      windowMs: 10,
      maxItems: 100,
      run: (keys, signal) => {
        runs.push({ keys, signal });
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve(new Map(keys.map((key) => [key, key.toUpperCase()]))), 300);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        });
      },
      runOne: async (key, signal) => {
        signal.throwIfAborted();
        return key.toUpperCase();
      },
    });
    return { batcher, runs };
  }

  it('aborts the shared call only once every waiter has gone', async () => {
    const { batcher, runs } = slowBatcher();
    const [one, two] = [new AbortController(), new AbortController()];
    const first = timed(batcher.add('a', one.signal));
    const second = timed(batcher.add('b', two.signal));
    await until(() => runs.length === 1, 'the batch to be sent');
    one.abort(new Error('one'));
    expect(((await first).error as Error).message).toBe('one');
    expect(runs[0]?.signal.aborted).toBe(false);
    two.abort(new Error('two'));
    expect(((await second).error as Error).message).toBe('two');
    expect(runs[0]?.signal.aborted).toBe(true);
  });

  it('drops a key whose only waiter left before the batch was sent', async () => {
    const { batcher, runs } = slowBatcher();
    const controller = new AbortController();
    const gone = timed(batcher.add('a', controller.signal));
    controller.abort('no longer needed');
    expect(((await gone).error as Error).name).toBe('AbortError');
    expect(await batcher.add('b')).toBe('B');
    expect(runs.map((run) => run.keys)).toEqual([['b']]);
  });
});
