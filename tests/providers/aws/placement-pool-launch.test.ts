import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ControlPlaneSettingsSchema } from '../../../src/control-plane/config.js';
import { type ControlPlane, createControlPlane } from '../../../src/control-plane/control-plane.js';
import { createLogger } from '../../../src/control-plane/logger.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { fleetStore } from '../../../src/emulators/ec2/fleet-state.js';
import { type RunningEc2Emulator, startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { makeTempDir, type TempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * The placement chain drives AWS's multi-pool workflows: a group of spot offers of an AWS-only plan
 * is one CreateFleet, an offer open to several zones one zone-by-zone probe; both through the intent
 * rows first, both feeding the control plane's capacity-error cache.
 */

const ALL_ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const dry = (instanceType: string, zones = ALL_ZONES) => Object.fromEntries(zones.map((zone) => [zone, { [instanceType]: 0 }]));

interface Bed {
  emulator: RunningEc2Emulator;
  dir: TempDir;
  plane: ControlPlane;
}

let bed: Bed | undefined;

beforeEach(() => {
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  if (bed) {
    await bed.plane.close().catch(() => {});
    await bed.emulator.close();
    bed.dir.remove();
    bed = undefined;
  }
});

async function openPlane(emulator: RunningEc2Emulator, dir: TempDir): Promise<ControlPlane> {
  const registration = createAwsRegistration(AwsConfigSchema.parse({ regions: ['us-east-1'], endpoint: emulator.url, pricing: { enabled: false } }), {
    credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
  });
  const plane = await createControlPlane({
    settings: ControlPlaneSettingsSchema.parse({ dataDir: dir.path, logLevel: 'silent' }),
    registrations: [registration],
    logger: createLogger('silent'),
  });
  await plane.ctx.registry.warmCatalogs();
  return plane;
}

async function start(options: Ec2EmulatorOptions): Promise<Bed> {
  const emulator = await startEc2Emulator({ seed: 9, bootDelayMs: 50, terminateDelayMs: 50, ...options });
  const dir = makeTempDir('aws-pool-launch');
  bed = { emulator, dir, plane: await openPlane(emulator, dir) };
  return bed;
}

async function call(plane: ControlPlane, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await plane.app.request(path, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
}

interface Offer {
  instanceType: string;
  zone: string | null;
  market: string;
}

interface Evidence {
  status: string;
  attempts: { outcome: string; errorCode: string | null; offer: Offer; pools: Offer[] | null; tries: { instanceType: string; zone: string | null; outcome: string; message: string }[] | null }[];
  outcome: { offer: Offer };
}

async function evidenceOf(plane: ControlPlane, id: unknown): Promise<Evidence> {
  return (await call(plane, 'GET', `/v1/instances/${String(id)}/placement`)).json as unknown as Evidence;
}

const callsOf = (emulator: RunningEc2Emulator, action: string) => emulator.calls.get(action) ?? 0;

/** Three acceptable types (t3.micro, m5.large, g6f.large: 2 vCPUs, at most 8 GiB), spot only, AWS only. */
const smallSpot = { requirements: { vcpus: { min: 2, max: 2 }, spot: 'required', providers: ['aws'], regions: ['us-east-1'] } };

describe('an AWS-only spot request over several acceptable types is one CreateFleet', () => {
  it('the fleet weighs every pool at once: the cheapest type is dry everywhere, the machine lands on the next, in one call', async () => {
    const { emulator, plane } = await start({ capacity: { byZone: dry('t3.micro') } });
    const plan = await call(plane, 'POST', '/v1/offers/plan', smallSpot);
    expect(plan.status, JSON.stringify(plan.json)).toBe(200);
    expect((plan.json.ranked as Offer[]).map((offer) => offer.instanceType)).toEqual(['t3.micro', 'm5.large', 'g6f.large']);

    const spawned = await call(plane, 'POST', '/v1/instances', { ...smallSpot, tags: { team: 'ml' } });
    expect(spawned.status).toBe(202);
    expect(spawned.json).toMatchObject({ provider: 'aws', instanceType: 'm5.large', spot: true, providerId: expect.stringMatching(/^i-/) });
    expect(callsOf(emulator, 'CreateFleet')).toBe(1);
    expect(callsOf(emulator, 'RunInstances')).toBe(0);

    const evidence = await evidenceOf(plane, spawned.json.id);
    expect(evidence.status).toBe('placed');
    expect(evidence.attempts).toHaveLength(1);
    const [attempt] = evidence.attempts;
    expect(attempt?.outcome).toBe('spawned');
    expect(attempt?.pools?.map((offer) => offer.instanceType)).toEqual(['t3.micro', 'm5.large', 'g6f.large']);
    expect(attempt?.tries).toEqual([expect.objectContaining({ instanceType: 'm5.large', outcome: 'launched', message: expect.stringMatching(/^CreateFleet fleet-/) })]);
    expect(evidence.outcome.offer).toMatchObject({ instanceType: 'm5.large', zone: spawned.json.zone });

    // The machine carries its Hangar id and its bootstrap from launch (a fleet of one is a spawn), and its owner and the caller's tags.
    const machine = [...emulator.state.instances.values()].find((instance) => instance.instanceId === spawned.json.providerId);
    expect(Object.fromEntries(machine?.tags ?? [])).toMatchObject({ 'hangar:instance-id': spawned.json.id, 'hangar:owner': 'hangar', team: 'ml' });
    expect(machine?.userData).toBeTruthy();
    // The fleet's launch template was deleted when the fleet was done.
    expect(callsOf(emulator, 'CreateLaunchTemplate')).toBe(1);
    expect(callsOf(emulator, 'DeleteLaunchTemplate')).toBe(1);
    expect(fleetStore(emulator.state).templateCount()).toBe(0);
  });

  it('a fleet no pool could fill is one refused attempt; every pool it covered is tried, and spot: preferred moves to the on-demand zone probe', async () => {
    const { emulator, plane } = await start({
      chaos: { seed: 1, faults: [{ name: 'no-spot', operation: 'spawn', spot: true, effect: 'error', code: 'CAPACITY_ERROR', message: 'no spot capacity today' }] },
      capacity: { byZone: dry('t3.micro', ['us-east-1a']) },
    });
    const spawned = await call(plane, 'POST', '/v1/instances', { requirements: { ...smallSpot.requirements, spot: 'preferred' } });
    expect(spawned.status).toBe(202);
    expect(spawned.json).toMatchObject({ instanceType: 't3.micro', spot: false, zone: 'us-east-1b' });
    expect(callsOf(emulator, 'CreateFleet')).toBe(1);

    const evidence = await evidenceOf(plane, spawned.json.id);
    expect(evidence.attempts.map((attempt) => [attempt.outcome, attempt.errorCode, attempt.pools?.length])).toEqual([
      ['refused', 'CAPACITY_ERROR', 3],
      ['spawned', null, 1],
    ]);
    // Attempt 2 is the on-demand t3.micro offer, open to every zone: the probe met us-east-1a dry and launched in us-east-1b.
    const second = evidence.attempts[1];
    expect(second?.offer).toMatchObject({ instanceType: 't3.micro', market: 'on-demand', zone: null });
    expect(second?.tries?.map((entry) => [entry.zone, entry.outcome])).toEqual([
      ['us-east-1a', 'refused'],
      ['us-east-1b', 'launched'],
    ]);
    // The probe's refusal is in the control plane's cache, learned from the provider.
    const cached = (await call(plane, 'GET', '/v1/capacity-errors?provider=aws')).json.items;
    expect(cached).toEqual(
      expect.arrayContaining([expect.objectContaining({ zone: 'us-east-1a', instanceType: 't3.micro', market: 'on-demand', source: 'provider', active: true })]),
    );
    expect(fleetStore(emulator.state).templateCount()).toBe(0);
  });

  it('a request that spans providers is not grouped: AWS offers are tried one by one in rank order', async () => {
    const { emulator, plane } = await start({});
    // Only AWS is registered, so every plan is AWS-only; a plan naming zones pins each offer to one zone (spawn, no probe).
    const spawned = await call(plane, 'POST', '/v1/instances', { requirements: { vcpus: { min: 2, max: 2 }, regions: ['us-east-1'], zones: ['us-east-1c'] } });
    expect(spawned.status).toBe(202);
    expect(spawned.json).toMatchObject({ instanceType: 't3.micro', zone: 'us-east-1c', spot: false });
    const evidence = await evidenceOf(plane, spawned.json.id);
    expect(evidence.attempts[0]?.pools).toBeNull();
    expect(callsOf(emulator, 'RunInstances')).toBe(1);
    expect(callsOf(emulator, 'CreateFleet')).toBe(0);
  });
});

describe('a pool attempt interrupted by a crash resumes without a second machine', () => {
  it('killed after CreateFleet answered: the restart finds the machine by its Hangar id and makes no second one', async () => {
    const { emulator, dir, plane } = await start({ capacity: { byZone: dry('t3.micro') } });
    const spawned = await call(plane, 'POST', '/v1/instances', smallSpot, { 'Idempotency-Key': 'pool-crash-1' });
    expect(spawned.status).toBe(202);
    const id = spawned.json.id as string;
    // Roll back to "CreateFleet sent, never answered": the machine exists, the row and the placement do not know it.
    await plane.db.updateTable('instances').set({ status: 'requested', provider_id: null }).where('id', '=', id).execute();
    await plane.db.updateTable('placements').set({ status: 'running', outcome: null }).where('instance_id', '=', id).execute();
    await plane.db.updateTable('placement_attempts').set({ outcome: 'pending', ended_at: null, tries: null }).execute();
    await plane.close();

    const again = await openPlane(emulator, dir);
    (bed as Bed).plane = again;
    expect(await again.resumePlacements()).toBe(1);
    const row = await waitFor('the resumed chain to place the row', async () => {
      const current = (await call(again, 'GET', `/v1/instances/${id}`)).json;
      return current.status === 'requested' ? undefined : current;
    });
    expect(row).toMatchObject({ id, providerId: spawned.json.providerId, instanceType: 'm5.large' });
    const machines = [...emulator.state.instances.values()].filter((instance) => instance.tags.get('hangar:instance-id') === id);
    expect(machines).toHaveLength(1);
    expect(callsOf(emulator, 'CreateFleet')).toBe(1);
    const evidence = await evidenceOf(again, id);
    expect(evidence.attempts[0]?.tries).toEqual([expect.objectContaining({ outcome: 'launched', message: expect.stringMatching(/launched by an earlier call/) })]);
  });
});
