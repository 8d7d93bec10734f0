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

export interface CrashStormOptions {
  dataDir: string;
  target: CrashTarget;
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
  /** The four invariants: each must be 0. */
  leaked: number;
  silentlyLost: number;
  keysWithTwoMachines: number;
  terminatedButPresent: number;
}

interface Instance {
  id: string;
  status: string;
  providerId: string | null;
}

interface Machine {
  providerId: string;
  status: string;
  hangarInstanceId: string | null;
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

/** The faults every target replays: phantom creates (with and without an error code), capacity errors, list lag. */
export function stormFaults(seed: number): Record<string, unknown> {
  return {
    seed,
    faults: [
      { name: 'phantom', operation: 'spawn', effect: 'phantom', probability: 0.06 },
      { name: 'phantom-capacity', operation: 'spawn', effect: 'phantom', code: 'CAPACITY_ERROR', probability: 0.04 },
      { name: 'no-capacity', operation: 'spawn', code: 'CAPACITY_ERROR', probability: 0.08 },
    ],
    quirks: { listLagMs: 1000 },
  };
}

/** OrbStack's engine adds what only a provider-side engine can do: slow terminates and machines vanishing. */
export function orbstackCrashTarget(dataDir: string, seed: number): CrashTarget {
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
      const base = stormFaults(seed);
      return { ...base, quirks: { listLagMs: 1000, slowTerminateMs: 1000 }, drift: [{ kind: 'vanish', probability: 0.03 }] };
    },
  };
}

/** A target whose faults an emulator replays (`/_emulator/chaos`); the emulator keeps running across the kills. */
export function emulatorCrashTarget(
  emulatorUrl: string,
  target: Pick<CrashTarget, 'provider' | 'instanceType' | 'config' | 'env'>,
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
    scenario: stormFaults,
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

async function allPages<T>(url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const page: { status: number; body: { items: T[]; nextCursor: string | null } } | null = await json(
      `${url}${separator}limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (!page || page.status !== 200) throw new Error(`cannot read ${url}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** Events page with `after` and always hand back a cursor: read until a page comes back empty. */
async function allEvents(url: string): Promise<{ type: string }[]> {
  const events: { type: string }[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { status: number; body: { items: { type: string }[]; nextCursor: string | null } } | null = await json(
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
 * repeated) and terminates under chaos, SIGKILLs it at seeded moments with requests in flight,
 * restarts it on the same data directory, then lets reconciliation settle and counts the four
 * invariants the leak-proof lifecycle promises.
 */
export async function runCrashStorm(options: CrashStormOptions): Promise<CrashStormResult> {
  const { target } = options;
  const random = new SeededRandom(options.seed);
  const configPath = join(options.dataDir, 'hangar.json');
  writeFileSync(configPath, JSON.stringify({ ...CONFIG, providers: { [target.provider]: target.config } }));
  await target.setChaos(target.scenario(options.seed));
  const plane = new ControlPlaneProcess(await freePort(), {
    HANGAR_DATA_DIR: join(options.dataDir, 'data'),
    HANGAR_CONFIG: configPath,
    HANGAR_PROVIDERS: target.provider,
    ...target.env,
  });

  const killAt = new Set<number>();
  while (killAt.size < options.kills) killAt.add(random.int(5, options.operations - 5));
  const keys: string[] = [];
  const idsByKey = new Map<string, Set<string>>();
  const known: string[] = [];
  const terminateAccepted = new Set<string>();
  let spawnsAccepted = 0;
  let kills = 0;

  const spawnOp = async () => {
    const reuse = keys.length > 0 && random.next() < 0.25;
    const key = reuse ? random.pick(keys) : `storm-${options.seed}-${keys.length}`;
    if (!reuse) keys.push(key);
    const response = await json<{ id?: string; error?: { instanceId?: string } }>(`${plane.url}/v1/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify({ provider: target.provider, instanceType: target.instanceType, tags: { storm: key } }),
    });
    const id = response?.body.id ?? response?.body.error?.instanceId;
    if (!id) return;
    if (response?.status === 202) spawnsAccepted += 1;
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
      const crash = [...Array(batch).keys()].some((offset) => killAt.has(done + offset));
      if (crash) {
        // Kill while the batch is in flight: between intent and provider call, or between the call and its commit.
        await new Promise((resolve) => setTimeout(resolve, random.int(0, 25)));
        await plane.kill();
        kills += 1;
        await Promise.all(ops);
        // Each process draws its own faults (a restarted engine with the same seed would replay the same first calls).
        await target.setChaos(target.scenario(options.seed + kills));
        await plane.start();
      } else {
        await Promise.all(ops);
      }
      done += batch;
    }

    // Settle: chaos off, grace windows pass, reconcile until nothing changes.
    const settleStarted = Date.now();
    await target.clearChaos(plane.url);
    let quiet = 0;
    while (quiet < 3 && Date.now() - settleStarted < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const report = await json<{ updated: number; orphansCollected: number }>(`${plane.url}/v1/reconcile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: target.provider }),
      });
      const inTransit = await allPages<Instance>(`${plane.url}/v1/instances?status=requested,terminating`);
      const settledNow = report?.status === 200 && report.body.updated === 0 && report.body.orphansCollected === 0 && inTransit.length === 0;
      quiet = settledNow && Date.now() - settleStarted > CONFIG.reconcile.intentGraceMs ? quiet + 1 : 0;
    }
    const settleMs = Date.now() - settleStarted;

    const rows = await allPages<Instance>(`${plane.url}/v1/instances`);
    const machines = (await allPages<Machine>(`${plane.url}/v1/providers/${target.provider}/machines`)).filter(
      (machine) => machine.status !== 'terminated',
    );
    const open = rows.filter((row) => !['terminated', 'failed'].includes(row.status));
    const machineIds = new Set(machines.map((machine) => machine.providerId));

    const owners = new Map<string, number>();
    for (const row of open) if (row.providerId) owners.set(row.providerId, (owners.get(row.providerId) ?? 0) + 1);
    const leaked = machines.filter((machine) => owners.get(machine.providerId) !== 1).length;

    let silentlyLost = 0;
    for (const row of open) {
      if (row.providerId && machineIds.has(row.providerId)) continue;
      const events = await allEvents(`${plane.url}/v1/events?instance=${row.id}`);
      if (!(row.status === 'lost' && events.some((event) => event.type === 'instance.lost'))) silentlyLost += 1;
    }

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
    const events = await allEvents(`${plane.url}/v1/events?provider=${target.provider}`);
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
