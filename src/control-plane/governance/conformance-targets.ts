import { type Provider, type ProviderContractCase, supports } from '../../contracts/index.js';
import type { ComputeTarget, LlmTarget, MadeResources } from '../../governance/conformance/index.js';
import type { ProviderRuntime } from '../../llm/index.js';
import type { LlmProviderEntry } from '../llm/llm-providers.js';
import type { ProviderRegistry, RegisteredProvider } from '../provider-registry.js';

/** How long cleanup waits for a case's machines to be gone. */
const CLEANUP_TIMEOUT_MS = 60_000;
const CLEANUP_POLL_MS = 50;

/** The owners a conformance run marks its machines with: never the control plane's own, so the reconciler neither adopts nor collects them. */
export function conformanceOwners(owner: string): { owner: string; foreignOwner: string } {
  return { owner: `${owner}-conformance`, foreignOwner: `${owner}-conformance-foreign` };
}

const gone = async (provider: Provider, providerId: string) => {
  const machine = await provider.get(providerId);
  return machine === null || machine.status === 'terminated';
};

/**
 * Removes what a case made on a running control plane's provider: its snapshots, every live machine it
 * made or that carries one of the run's owners (terminated, then waited for until gone), then its
 * volumes. Fails naming what it could not remove.
 */
export async function sweepConformanceLeftovers(provider: Provider, made: MadeResources, owners: readonly string[]): Promise<void> {
  const problems: string[] = [];
  const note = (what: string) => (error: unknown) => {
    if ((error as { code?: unknown }).code !== 'NOT_FOUND') problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  };
  if (supports(provider, 'snapshots')) {
    for (const id of made.snapshots) await provider.deleteSnapshot(id).catch(note(`delete snapshot ${id}`));
  }
  const machines = new Set(made.machines);
  for (const owner of owners) {
    for (const machine of await provider.list({ owner })) if (machine.status !== 'terminated') machines.add(machine.providerId);
  }
  for (const id of machines) await provider.terminate(id).catch(note(`terminate ${id}`));
  const deadline = Date.now() + CLEANUP_TIMEOUT_MS;
  let waiting = [...machines];
  while (waiting.length > 0) {
    const still: string[] = [];
    for (const id of waiting) if (!(await gone(provider, id))) still.push(id);
    waiting = still;
    if (waiting.length === 0) break;
    if (Date.now() > deadline) {
      problems.push(`machines not gone after ${CLEANUP_TIMEOUT_MS} ms: ${waiting.join(', ')}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, CLEANUP_POLL_MS));
  }
  if (supports(provider, 'persistentVolumes')) {
    for (const id of made.volumes) await provider.deleteVolume(id).catch(note(`delete volume ${id}`));
  }
  if (problems.length > 0) throw new Error(`conformance cleanup: ${problems.join('; ')}`);
}

/** The live machines still carrying one of these owners (the isolation proof: none after a run). */
export async function machinesOf(provider: Provider, owners: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const owner of owners) for (const machine of await provider.list({ owner })) if (machine.status !== 'terminated') found.push(machine.providerId);
  return found.sort();
}

/**
 * A spawn the provider accepts, from its catalog: the cheapest offering (unpriced last, then by name)
 * in its first region.
 */
async function spawnableOf(registry: ProviderRegistry, entry: RegisteredProvider): Promise<{ instanceType: string; region: string }> {
  const offerings = (await registry.instanceTypes(entry)).filter((offering) => offering.regions.length > 0);
  const price = (value: number | null) => value ?? Number.POSITIVE_INFINITY;
  const [cheapest] = offerings.sort((a, b) => price(a.pricePerHour) - price(b.pricePerHour) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const region = cheapest?.regions[0]?.region;
  if (cheapest === undefined || region === undefined) throw new Error(`${entry.name} offers no instance type in any region: nothing to spawn`);
  return { instanceType: cheapest.name, region };
}

export interface ComputeTargetOptions {
  registry: ProviderRegistry;
  /** The control plane's own owner; the run's machines carry `<owner>-conformance`. */
  owner: string;
  contracts: readonly ProviderContractCase[];
}

/**
 * An enabled provider of the running control plane as a conformance target. Every case works on the
 * registered provider itself, under the run's isolated owner, in an account shared with the control
 * plane's own machines (which the cases leave alone); cleanup removes everything the case made.
 */
export function computeConformanceTarget(entry: RegisteredProvider, options: ComputeTargetOptions): ComputeTarget {
  const { owner, foreignOwner } = conformanceOwners(options.owner);
  let spawnable: Promise<{ instanceType: string; region: string }> | null = null;
  return {
    capability: 'compute',
    adapter: entry.name,
    contractCases: options.contracts,
    async create() {
      spawnable ??= spawnableOf(options.registry, entry);
      return {
        provider: entry.provider,
        hooks: entry.hooks,
        chaos: entry.chaos,
        contracts: options.contracts,
        spawnable: await spawnable,
        image: null,
        owner,
        foreignOwner,
        sharedAccount: true,
        cleanup: (made) => sweepConformanceLeftovers(entry.provider, made, [owner, foreignOwner]),
      };
    },
  };
}

/** An enabled LLM provider as a conformance target, over the gateway's runtime; null when it names no model to call. */
export function llmConformanceTarget(entry: LlmProviderEntry, runtime: ProviderRuntime): LlmTarget | null {
  const model = entry.probeModel?.model;
  if (model === undefined) return null;
  const failWith = entry.kind === 'mock' ? (code: string) => ({ [entry.name]: { fail: code } }) : undefined;
  return {
    capability: 'llm',
    adapter: entry.name,
    async create() {
      return {
        runtime,
        provider: entry.name,
        model,
        discovery: runtime.adapterCapabilities(entry.name).discovery,
        ...(failWith !== undefined && { failWith }),
        cleanup: async () => {},
      };
    },
  };
}
