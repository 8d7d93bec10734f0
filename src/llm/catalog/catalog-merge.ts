import type { ModelCatalog, ModelInfo } from '../core/canonical-types.js';

const key = (model: ModelInfo) => `${model.provider}\u0000${model.model}`;
const compareModels = (a: ModelInfo, b: ModelInfo) =>
  a.provider === b.provider ? (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) : a.provider < b.provider ? -1 : 1;

/** Static figures win; a group the static catalog has no source for (unknown) is taken from the remote entry, with the remote source. */
function fillGaps(known: ModelInfo, remote: ModelInfo): ModelInfo {
  const next: ModelInfo = { ...known, sources: { ...known.sources } };
  if (known.sources.limits === null && remote.sources.limits !== null) {
    next.contextWindow = remote.contextWindow;
    next.maxOutputTokens = remote.maxOutputTokens;
    next.sources.limits = remote.sources.limits;
  }
  if (known.sources.capabilities === null && remote.sources.capabilities !== null) {
    next.capabilities = remote.capabilities;
    next.sources.capabilities = remote.sources.capabilities;
  }
  if (known.sources.prices === null && remote.sources.prices !== null) {
    next.prices = remote.prices;
    next.sources.prices = remote.sources.prices;
  }
  if (known.displayName === null && remote.displayName !== null) next.displayName = remote.displayName;
  return next;
}

/**
 * The static catalog merged with what the vendors' /models answered (remote discovery). The static
 * catalog wins on conflict (same provider and id): its figures stay, and only the groups it has no
 * source for (unknown limits, capabilities or prices) are filled from the remote entry, which then
 * records the remote source. A model only the vendor lists is added with origin `remote`. Each
 * provider that answered is recorded in `sources` as `remote:<provider>` with the discovery date.
 * Pure: the inputs are not changed.
 */
export function mergeRemoteModels(catalog: ModelCatalog, remote: readonly ModelInfo[], discovered: { providers: readonly string[]; asOf: string }): ModelCatalog {
  const merged = new Map(catalog.models.map((model) => [key(model), model]));
  const staticKeys = new Set(merged.keys());
  const seenRemote = new Set<string>();
  for (const model of remote) {
    const id = key(model);
    if (seenRemote.has(id)) continue;
    seenRemote.add(id);
    const known = merged.get(id);
    if (known !== undefined && staticKeys.has(id)) merged.set(id, fillGaps(known, model));
    else merged.set(id, { ...model, origin: 'remote' });
  }
  const sources: Record<string, string> = { ...catalog.sources };
  for (const provider of discovered.providers) sources[`remote:${provider}`] = discovered.asOf;
  return { models: [...merged.values()].sort(compareModels), sources };
}
