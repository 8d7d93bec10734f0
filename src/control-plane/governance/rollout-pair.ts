import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import type { ProviderReload } from './provider-reload.js';

/** What a rollout swaps: the capability, the adapter serving it now, and the candidate meant to replace it. */
export interface RolloutPair {
  readonly capability: 'compute' | 'llm_gateway';
  readonly current: string;
  readonly candidate: string;
}

export const ROLLOUT_CAPABILITIES = ['compute', 'llm_gateway'] as const;

/**
 * Resolves a request's `{capability, candidate, current?}` to a pair of adapters of one kind. The
 * candidate must be configured (compute: under `adapters`, built and started on demand when it is not
 * mapped; LLM: an enabled `llm.providers` entry); `current` defaults to the one other adapter of the
 * candidate's kind that serves the capability, and must be named when there are several.
 */
export async function resolveRolloutPair(
  ctx: ControlPlaneContext,
  reload: ProviderReload | null,
  request: { capability: 'compute' | 'llm_gateway'; candidate: string; current?: string | undefined },
): Promise<RolloutPair> {
  const { capability, candidate } = request;
  if (capability === 'compute') {
    if (ctx.registry.get(candidate) === undefined) {
      if (reload === null) throw new ApiError(422, 'UNKNOWN_ADAPTER', `no compute adapter named ${candidate} is registered, and this control plane has no configuration loader to build it`, { field: 'candidate', known: ctx.registry.names() });
      await reload.addConfigured(candidate);
      // Built for the rollout, not mapped under capabilities.compute: it takes no placement work of its own.
      ctx.registry.setCandidate(candidate, true);
    }
    const kind = ctx.registry.require(candidate).kind;
    // A retiring peer still counts: a promoted ramp's current adapter retires, and a later request must find the pair to be told so.
    const peers = ctx.registry.all().filter((entry) => entry.kind === kind && entry.name !== candidate && ctx.registry.state(entry.name) !== 'candidate');
    return { capability, candidate, current: pickCurrent(request.current, peers.map((entry) => entry.name), candidate, kind, (name) => ctx.registry.get(name)?.kind) };
  }
  const entries = ctx.llm.providerEntries;
  const own = entries.find((entry) => entry.name === candidate);
  if (own === undefined) throw new ApiError(422, 'UNKNOWN_ADAPTER', `no enabled llm_gateway adapter named ${candidate}`, { field: 'candidate', known: entries.map((entry) => entry.name) });
  const peers = entries.filter((entry) => entry.kind === own.kind && entry.name !== candidate).map((entry) => entry.name);
  return { capability, candidate, current: pickCurrent(request.current, peers, candidate, own.kind, (name) => entries.find((entry) => entry.name === name)?.kind) };
}

function pickCurrent(named: string | undefined, peers: readonly string[], candidate: string, kind: string, kindOf: (name: string) => string | undefined): string {
  if (named !== undefined) {
    if (named === candidate) throw new ApiError(422, 'VALIDATION_ERROR', 'current and candidate are the same adapter', { field: 'current' });
    const currentKind = kindOf(named);
    if (currentKind === undefined) throw new ApiError(422, 'UNKNOWN_ADAPTER', `no adapter named ${named} serves this capability`, { field: 'current' });
    if (currentKind !== kind) throw new ApiError(422, 'KIND_MISMATCH', `${named} is a ${currentKind} adapter and ${candidate} a ${kind} one: a rollout swaps adapters of one kind`, { field: 'current' });
    return named;
  }
  if (peers.length === 1) return peers[0] as string;
  if (peers.length === 0) throw new ApiError(422, 'NO_CURRENT_ADAPTER', `no active ${kind} adapter besides ${candidate}: there is nothing for it to shadow or replace`, { field: 'candidate' });
  throw new ApiError(422, 'AMBIGUOUS_CURRENT', `several ${kind} adapters serve now (${peers.join(', ')}): name the one to replace in current`, { field: 'current', peers: [...peers] });
}
