import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '../../src/chaos/seeded-random.js';
import { ControlPlaneProcess, freePort } from './control-plane-process.js';

/**
 * The provider a storm runs against: its config section, the machine type it spawns, and how its
 * faults are switched. Chaos lives where the provider's fault engine lives: inside the provider
 * (OrbStack, via HANGAR_CHAOS and the control plane's chaos API) or inside the vendor emulator,
 * which outlives every control-plane crash.
 */
export interface CrashTarget {
  provider: string;
  instanceType: string;
  /** `providers.<provider>` of the control plane's config file. */
  config: Record<string, unknown>;
  /** Extra environment of the control-plane process (API keys, chaos file). */
  env: Record<string, string>;
  /** Puts this scenario in force for the next control-plane life. */
  setChaos(scenario: Record<string, unknown>): Promise<void>;
  /** Chaos off, for the settling phase. */
  clearChaos(planeUrl: string): Promise<void>;
  /** The storm's faults for this target, seeded. */
  scenario(seed: number): Record<string, unknown>;
}

/**
 * Spawns by requirements (POST /v1/instances with `requirements`): the control plane plans ranked
 * offers over every enabled provider and runs its persisted failover chain.
 */
export interface PlacementStorm {
  /** The share of spawns (0..1) made by requirements; the rest name a target's provider + instanceType. */
  share: number;
  /** Bodies a new key draws from (`requirements`, `placement`): each must fit offers on at least two targets. */
  profiles: readonly Record<string, unknown>[];
}

export interface CrashStormOptions {
  dataDir: string;
  /** A single-provider storm (the form the crash-storm benchmark uses): the same as `targets: [target]`. */
  target?: CrashTarget;
  /** Every provider the control plane enables at once; explicit spawns pick one at random. */
  targets?: readonly CrashTarget[];
  /** Absent: every spawn is explicit (provider + instanceType), as in a single-provider storm. */
  placement?: PlacementStorm;
  /** Extra sections of the control plane's config (`placement`, ...), merged over the storm's. */
  config?: Record<string, unknown>;
  seed: number;
  operations: number;
  kills: number;
  /** Requests in flight at once. */
  concurrency: number;
}

export interface CrashStormResult {
  operations: number;
  kills: number;
  spawnsAccepted: number;
  terminatesAccepted: number;
  rows: number;
  machines: number;
  settleMs: number;
  /** How often each healing path ran, from the event log. */
  healed: { adopted: number; orphansCollected: number; intentsExpired: number; spawnsFailed: number; lost: number; terminateRetries: number };
  /** Machines still present after settling, per provider. */
  machinesByProvider: Record<string, number>;
  /** Placement spawns: requests by requirements answered 202 (replays included), and what the chains did. */
  placement: PlacementSummary;
  /** The four invariants: each must be 0. */
  leaked: number;
  silentlyLost: number;
  keysWithTwoMachines: number;
  terminatedButPresent: number;
}

export interface PlacementSummary {
  spawnsAccepted: number;
  /** Spawns by requirements whose answer a SIGKILL cut off: their chains were resumed by the next life. */
  interrupted: number;
  /** Distinct instances made by requirements, by how their chain ended (`placed`, `exhausted`, ...). */
  chains: Record<string, number>;
  /** Placed instances per provider (the offer of the attempt that made the machine). */
  placedByProvider: Record<string, number>;
  /** Placed on a spot offer (the rest on-demand). */
  placedOnSpot: number;
  /** Placed on a provider other than the one of their first attempt. */
  crossProviderPlaced: number;
  /** `placement.escalated` events of kind next-offer that moved a chain to another provider. */
  crossProviderEscalations: number;
  /** Attempts the chains made, and how many of them a provider refused. */
  attempts: number;
  refusedAttempts: number;
  /** `placement.attempt-unknown` events: attempts asked again with `resumed` (a phantom create, a timeout). */
  unknownAttempts: number;
}

interface Instance {
  id: string;
  provider: string;
  status: string;
  providerId: string | null;
}

interface Machine {
  providerId: string;
  status: string;
  hangarInstanceId: string | null;
}

interface Placement {
  status: string;
  attempts: { n: number; offer: { provider: string; market: string }; outcome: string }[];
  outcome: { code: string; offer?: { provider: string; market: string } } | null;
}

interface StormEvent {
  type: string;
  provider: string | null;
  message: string;
  data?: Record<string, unknown> | null;
}

/** Grace windows shortened so a storm settles in seconds; the logic is the production one. */
const CONFIG = {
  providerTimeoutMs: 2000,
  reconcile: {
    reconcileIntervalMs: 250,
    healthCheckIntervalMs: 1000,
    lostGraceMs: 1500,
    intentGraceMs: 3000,
    orphanGraceMs: 1000,
    terminateRetryMs: 300,
  },
};

/**
 * The faults every target replays: phantom creates (with and without an error code), capacity errors,
 * list lag. `capacityErrors` is the probability of a plain CAPACITY_ERROR refusal of a spawn.
 */
export function stormFaults(seed: number, capacityErrors = 0.08): Record<string, unknown> {
  return {
    seed,
    faults: [
      { name: 'phantom', operation: 'spawn', effect: 'phantom', probability: 0.06 },
      { name: 'phantom-capacity', operation: 'spawn', effect: 'phantom', code: 'CAPACITY_ERROR', probability: 0.04 },
      { name: 'no-capacity', operation: 'spawn', code: 'CAPACITY_ERROR', probability: capacityErrors },
    ],
    quirks: { listLagMs: 1000 },
  };
}

/** OrbStack's engine adds what only a provider-side engine can do: slow terminates and machines vanishing. */
export function orbstackCrashTarget(dataDir: string, seed: number, options: { capacityErrors?: number } = {}): CrashTarget {
  const chaosPath = join(dataDir, 'chaos.json');
  return {
    provider: 'orbstack',
    instanceType: 'orb.nano',
    config: { seed, bootDelayMs: { min: 50, max: 400 }, terminateDelayMs: { min: 50, max: 400 } },
    env: { HANGAR_CHAOS: chaosPath },
    async setChaos(scenario) {
      writeFileSync(chaosPath, JSON.stringify(scenario));
    },
    async clearChaos(planeUrl) {
      await fetch(`${planeUrl}/v1/providers/orbstack/chaos`, { method: 'DELETE' });
    },
    scenario: (seed) => {
      const base = stormFaults(seed, options.capacityErrors);
      return { ...base, quirks: { listLagMs: 1000, slowTerminateMs: 1000 }, drift: [{ kind: 'vanish', probability: 0.03 }] };
    },
  };
}

/** A target whose faults an emulator replays (`/_emulator/chaos`); the emulator keeps running across the kills. */
export function emulatorCrashTarget(
  emulatorUrl: string,
  target: Pick<CrashTarget, 'provider' | 'instanceType' | 'config' | 'env'>,
  options: { capacityErrors?: number } = {},
): CrashTarget {
  const put = async (scenario: Record<string, unknown>) => {
    const response = await fetch(`${emulatorUrl}/_emulator/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenario) });
    if (!response.ok) throw new Error(`emulator refused the storm scenario: ${response.status} ${await response.text()}`);
  };
  return {
    ...target,
    setChaos: put,
    async clearChaos() {
      await fetch(`${emulatorUrl}/_emulator/chaos`, { method: 'DELETE' });
    },
    scenario: (seed) => stormFaults(seed, options.capacityErrors),
  };
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T } | null> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as T };
  } catch {
    // The control plane was killed under this request: its outcome is unknown to the client.
    return null;
  }
}

/**
 * One page of a listing through the control plane, asked again while the provider behind it answers
 * 429 / 5xx: a vendor that rate-limits (Lambda's 1 request/s, shared with the heartbeats and the
 * readiness probes) says "later", not "nothing there", and the final count must not depend on it.
 */
async function readPage<T>(url: string): Promise<{ status: number; body: T } | null> {
  for (let attempt = 1; ; attempt += 1) {
    const page = await json(url);
    const transient = page === null || page.status === 429 || page.status >= 500;
    if (!transient || attempt >= 20) return page as { status: number; body: T } | null;
    await new Promise((resolve) => setTimeout(resolve, 500 * Math.min(attempt, 4)));
  }
}

async function allPages<T>(url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const page: { status: number; body: { items: T[]; nextCursor: string | null } } | null = await readPage(`${url}${separator}limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    if (!page || page.status !== 200) throw new Error(`cannot read ${url} (${page?.status ?? 'no answer'})`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** Events page with `after` and always hand back a cursor: read until a page comes back empty. */
async function allEvents(url: string): Promise<StormEvent[]> {
  const events: StormEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { status: number; body: { items: StormEvent[]; nextCursor: string | null } } | null = await json(
      `${url}&limit=1000${after ? `&after=${after}` : ''}`,
    );
    if (!page || page.status !== 200) throw new Error(`cannot read ${url}`);
    if (page.body.items.length === 0) return events;
    events.push(...page.body.items);
    after = page.body.nextCursor;
  }
}

/**
 * Drives the control plane as a child process through a storm of spawns (idempotency keys, some
 * repeated; explicit, or by requirements through the placement chain) and terminates under chaos,
 * SIGKILLs it at seeded moments with requests in flight, restarts it on the same data directory, then
 * lets reconciliation settle and counts the four invariants the leak-proof lifecycle promises, over
 * the machines of every enabled provider.
 */
export async function runCrashStorm(options: CrashStormOptions): Promise<CrashStormResult> {
  const { placement } = options;
  const targets = options.targets ?? (options.target ? [options.target] : []);
  if (targets.length === 0) throw new Error('a crash storm needs at least one target');
  const names = targets.map((target) => target.provider);
  const random = new SeededRandom(options.seed);
  const configPath = join(options.dataDir, 'hangar.json');
  writeFileSync(
    configPath,
    JSON.stringify({ ...CONFIG, ...options.config, providers: Object.fromEntries(targets.map((target) => [target.provider, target.config])) }),
  );
  const setChaos = (seed: number) => Promise.all(targets.map((target) => target.setChaos(target.scenario(seed))));
  await setChaos(options.seed);
  const plane = new ControlPlaneProcess(await freePort(), {
    HANGAR_DATA_DIR: join(options.dataDir, 'data'),
    HANGAR_CONFIG: configPath,
    HANGAR_PROVIDERS: names.join(','),
    ...Object.assign({}, ...targets.map((target) => target.env)),
  });

  // Kill points are batches: two points in one batch would be one kill.
  const killAt = new Set<number>();
  while (killAt.size < options.kills) killAt.add(Math.floor(random.int(5, options.operations - 5) / options.concurrency));
  const keys: string[] = [];
  /** The body each key was first sent with: a reused key sends it again (a replay, not a 409). */
  const bodies = new Map<string, { body: string; byRequirements: boolean }>();
  const idsByKey = new Map<string, Set<string>>();
  const known: string[] = [];
  const placed = new Set<string>();
  const terminateAccepted = new Set<string>();
  let spawnsAccepted = 0;
  let placementSpawnsAccepted = 0;
  let placementSpawnsInterrupted = 0;
  let kills = 0;

  const newBody = (key: string): { body: string; byRequirements: boolean } => {
    const tags = { storm: key };
    // Single-provider storms draw nothing more here, so their seeded sequence is what it always was.
    if (placement && random.next() < placement.share) {
      return { body: JSON.stringify({ ...random.pick(placement.profiles), tags }), byRequirements: true };
    }
    const target = targets.length === 1 ? (targets[0] as CrashTarget) : random.pick(targets);
    return { body: JSON.stringify({ provider: target.provider, instanceType: target.instanceType, tags }), byRequirements: false };
  };

  const spawnOp = async () => {
    const reuse = keys.length > 0 && random.next() < 0.25;
    const key = reuse ? random.pick(keys) : `storm-${options.seed}-${keys.length}`;
    if (!reuse) {
      keys.push(key);
      bodies.set(key, newBody(key));
    }
    const { body, byRequirements } = bodies.get(key) as { body: string; byRequirements: boolean };
    const response = await json<{ id?: string; error?: { instanceId?: string } }>(`${plane.url}/v1/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
      body,
    });
    if (response === null && byRequirements) placementSpawnsInterrupted += 1;
    const id = response?.body.id ?? response?.body.error?.instanceId;
    if (!id) return;
    if (response?.status === 202) {
      spawnsAccepted += 1;
      if (byRequirements) placementSpawnsAccepted += 1;
    }
    if (byRequirements) placed.add(id);
    const ids = idsByKey.get(key) ?? new Set<string>();
    ids.add(id);
    idsByKey.set(key, ids);
    if (!known.includes(id)) known.push(id);
  };
  const terminateOp = async () => {
    if (known.length === 0) return;
    const id = random.pick(known);
    const response = await json(`${plane.url}/v1/instances/${id}`, { method: 'DELETE' });
    if (response?.status === 202) terminateAccepted.add(id);
  };

  await plane.start();
  try {
    for (let done = 0; done < options.operations; ) {
      const batch = Math.min(options.concurrency, options.operations - done);
      const ops = Array.from({ length: batch }, () => (random.next() < 0.65 ? spawnOp() : terminateOp()));
      const crash = killAt.has(Math.floor(done / options.concurrency));
      if (crash) {
        // Kill while the batch is in flight: between intent and provider call, or between the call and its commit.
        await new Promise((resolve) => setTimeout(resolve, random.int(0, 25)));
        await plane.kill();
        kills += 1;
        await Promise.all(ops);
        // Each process draws its own faults (a restarted engine with the same seed would replay the same first calls).
        await setChaos(options.seed + kills);
        await plane.start();
      } else {
        await Promise.all(ops);
      }
      done += batch;
    }

    // Settle: chaos off, grace windows pass, reconcile every provider until nothing changes.
    const settleStarted = Date.now();
    await Promise.all(targets.map((target) => target.clearChaos(plane.url)));
    let quiet = 0;
    while (quiet < 3 && Date.now() - settleStarted < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      let changed = false;
      for (const provider of names) {
        const report = await json<{ updated: number; orphansCollected: number }>(`${plane.url}/v1/reconcile`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ provider }),
        });
        if (report?.status !== 200 || report.body.updated !== 0 || report.body.orphansCollected !== 0) changed = true;
      }
      const inTransit = await allPages<Instance>(`${plane.url}/v1/instances?status=requested,terminating`);
      const settledNow = !changed && inTransit.length === 0;
      quiet = settledNow && Date.now() - settleStarted > CONFIG.reconcile.intentGraceMs ? quiet + 1 : 0;
    }
    const settleMs = Date.now() - settleStarted;

    const rows = await allPages<Instance>(`${plane.url}/v1/instances`);
    // A machine is named by its provider and its provider id: two vendors may hand out the same id.
    const machineKey = (provider: string, providerId: string) => `${provider}\u0000${providerId}`;
    const machines: (Machine & { provider: string })[] = [];
    const machinesByProvider: Record<string, number> = {};
    for (const provider of names) {
      const listed = (await allPages<Machine>(`${plane.url}/v1/providers/${provider}/machines`)).filter((machine) => machine.status !== 'terminated');
      machinesByProvider[provider] = listed.length;
      machines.push(...listed.map((machine) => ({ ...machine, provider })));
    }
    const open = rows.filter((row) => !['terminated', 'failed'].includes(row.status));
    const machineIds = new Set(machines.map((machine) => machineKey(machine.provider, machine.providerId)));

    const owners = new Map<string, number>();
    for (const row of open) {
      if (row.providerId) owners.set(machineKey(row.provider, row.providerId), (owners.get(machineKey(row.provider, row.providerId)) ?? 0) + 1);
    }
    const leaked = machines.filter((machine) => owners.get(machineKey(machine.provider, machine.providerId)) !== 1).length;

    let silentlyLost = 0;
    for (const row of open) {
      if (row.providerId && machineIds.has(machineKey(row.provider, row.providerId))) continue;
      const events = await allEvents(`${plane.url}/v1/events?instance=${row.id}`);
      if (!(row.status === 'lost' && events.some((event) => event.type === 'instance.lost'))) silentlyLost += 1;
    }

    // Across providers: a placement whose chain left a machine on one provider and made another on the next counts.
    const machinesPerInstance = new Map<string, number>();
    for (const machine of machines) {
      if (machine.hangarInstanceId) machinesPerInstance.set(machine.hangarInstanceId, (machinesPerInstance.get(machine.hangarInstanceId) ?? 0) + 1);
    }
    let keysWithTwoMachines = 0;
    for (const ids of idsByKey.values()) {
      const count = [...ids].reduce((sum, id) => sum + (machinesPerInstance.get(id) ?? 0), 0);
      if (ids.size > 1 || count > 1) keysWithTwoMachines += 1;
    }

    const terminatedButPresent = [...terminateAccepted].filter((id) => machinesPerInstance.has(id)).length;
    const events = (await allEvents(`${plane.url}/v1/events?`)).filter((event) => event.provider !== null && names.includes(event.provider));
    const count = (type: string) => events.filter((event) => event.type === type).length;
    return {
      healed: {
        adopted: count('instance.adopted'),
        orphansCollected: count('orphan.collected'),
        intentsExpired: count('instance.intent-expired'),
        spawnsFailed: count('instance.spawn-failed'),
        lost: count('instance.lost'),
        terminateRetries: count('instance.terminate-retried'),
      },
      operations: options.operations,
      kills,
      spawnsAccepted,
      terminatesAccepted: terminateAccepted.size,
      rows: rows.length,
      machines: machines.length,
      machinesByProvider,
      placement: await summarizePlacements(plane.url, [...placed], { spawnsAccepted: placementSpawnsAccepted, interrupted: placementSpawnsInterrupted }, events),
      settleMs,
      leaked,
      silentlyLost,
      keysWithTwoMachines,
      terminatedButPresent,
    };
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- control plane log ---\n${plane.logTail()}`, { cause: error });
  } finally {
    await plane.kill();
  }
}

/** What the failover chains did, from each placed instance's evidence (GET /v1/instances/:id/placement) and the event log. */
async function summarizePlacements(
  planeUrl: string,
  ids: string[],
  requests: Pick<PlacementSummary, 'spawnsAccepted' | 'interrupted'>,
  events: StormEvent[],
): Promise<PlacementSummary> {
  const summary: PlacementSummary = {
    ...requests,
    chains: {},
    placedByProvider: {},
    placedOnSpot: 0,
    crossProviderPlaced: 0,
    crossProviderEscalations: 0,
    attempts: 0,
    refusedAttempts: 0,
    unknownAttempts: events.filter((event) => event.type === 'placement.attempt-unknown').length,
  };
  for (const id of ids) {
    const answer = await json<Placement>(`${planeUrl}/v1/instances/${id}/placement`);
    if (!answer || answer.status !== 200) throw new Error(`cannot read the placement of ${id}: ${answer?.status ?? 'no answer'}`);
    const evidence = answer.body;
    summary.chains[evidence.status] = (summary.chains[evidence.status] ?? 0) + 1;
    summary.attempts += evidence.attempts.length;
    summary.refusedAttempts += evidence.attempts.filter((attempt) => attempt.outcome === 'refused').length;
    if (evidence.status !== 'placed') continue;
    const first = evidence.attempts[0]?.offer.provider;
    const offer = evidence.outcome?.offer ?? evidence.attempts.find((attempt) => attempt.outcome === 'spawned')?.offer;
    if (offer === undefined) throw new Error(`placement of ${id} is placed without an offer`);
    summary.placedByProvider[offer.provider] = (summary.placedByProvider[offer.provider] ?? 0) + 1;
    if (offer.market === 'spot') summary.placedOnSpot += 1;
    if (first !== offer.provider) summary.crossProviderPlaced += 1;
  }
  summary.crossProviderEscalations = events.filter(
    (event) => event.type === 'placement.escalated' && event.data?.kind === 'next-offer' && String(event.data.message ?? '').startsWith('next provider'),
  ).length;
  return summary;
}
