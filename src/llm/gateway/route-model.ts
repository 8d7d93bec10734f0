import { z } from 'zod';
import type { Message, ModelInfo, ModelRef, ResponseFormat } from '../core/canonical-types.js';
import { globMatcher } from '../pricing/model-glob.js';
import { bundledModelScores, type ModelScore, type ModelScoreTable, scoreOf } from './model-scores.js';
import { ratioToBest, round6, weightedScore } from './route-scoring.js';
import {
  type EffectivePolicy,
  effectivePolicy,
  policyHash,
  ROUTING_CAPABILITIES,
  type RoutingCapability,
  RoutingCapabilitySchema,
  type RoutingPolicy,
  type RoutingWeights,
} from './routing-policy.js';

/**
 * Policy routing: which model serves a request, and the ladder to escalate along when it fails.
 * Pure and deterministic: the same inputs give a deep-equal decision, whatever the order of the
 * catalog's models; nothing reads the clock, the network or randomness (readiness and latency are
 * handed in).
 *
 * 1. Requirements: the union of the caller's `requirements`, the effective policy's constraints and
 *    what the request implies (an image part → vision, tools → tools, a json_schema response format
 *    → jsonSchema).
 * 2. Exclusions: every model that fails a rule is excluded with ALL its reasons (codes below), so an
 *    operator sees at once why a model cannot serve.
 * 3. Scoring: each eligible model gets four components in [0, 1], higher = better: cost (the
 *    estimated USD of this request), latency (the latency estimate), quality and safety (the score
 *    table). Cost and latency are normalized across the candidates as the ratio to the best
 *    (`best / value`: the cheapest or fastest scores 1, twice as dear 0.5; equal values, 0 included,
 *    score 1; a null price scores 0, as the most expensive candidate) — see route-scoring.ts.
 *    score = Σ weight × component / Σ weights, rounded to 6 decimals.
 * 4. Order: score desc, then estimated cost asc (unknown last), then `provider/model` asc.
 * 5. Ladder: a tag's ladder when the effective policy has one (its eligible entries in its order;
 *    the others in `ladderSkipped`); else the chosen model, then the other candidates whose estimated
 *    cost is ≥ the chosen one's, cheapest first (ties: score desc, then id): escalation never moves
 *    to a cheaper model. At most 1 + escalation.maxEscalations entries.
 *
 * Performance: per-catalog work (sorting, capability masks, prices, score lookups) is cached in a
 * WeakMap keyed by the `models` array, per-policy work (the effective policy of each tag set, its
 * compiled globs and the static exclusions per catalog) in a WeakMap keyed by the policy object;
 * both are treated as immutable. The hot loop over the models allocates only for what it returns.
 */

export const RouteRequirementsSchema = z
  .object({
    capabilities: z.array(RoutingCapabilitySchema).optional(),
    minContextWindow: z.number().int().positive().optional(),
    /** Output tokens expected when the request does not say (`request.maxOutputTokens` wins). */
    maxOutputTokens: z.number().int().positive().optional(),
  })
  .strict();
export type RouteRequirements = z.infer<typeof RouteRequirementsSchema>;

export interface RouteRequest {
  messages: readonly Message[];
  tools?: readonly unknown[];
  responseFormat?: ResponseFormat;
  maxOutputTokens?: number;
}

export interface ProviderReadiness {
  /** false: excluded (provider_not_ready); null: never validated, allowed; true: ready. */
  ready: boolean | null;
  reason: string;
}

export interface RouteLatencyEstimate {
  ms: number;
  source: string;
  samples: number;
}

export interface RouteInput {
  /** The catalog's models of the enabled providers. */
  models: readonly ModelInfo[];
  policy: RoutingPolicy;
  tags?: readonly string[];
  requirements?: RouteRequirements;
  request?: RouteRequest;
  readiness: (provider: string) => ProviderReadiness;
  /** E.g. `(ref, table) => tracker.estimate(ref, table)` (LatencyTracker). */
  latency: (ref: ModelRef, table: { value: number; source: string } | null) => RouteLatencyEstimate;
  /** Default: bundledModelScores(). */
  scores?: ModelScoreTable;
}

export const EXCLUSION_CODES = [
  'provider_not_allowed',
  'provider_denied',
  'model_not_allowed',
  'model_denied',
  'provider_not_ready',
  'missing_capability',
  'context_too_small',
  'price_above_max',
  'price_unknown',
] as const;
export type ExclusionCode = (typeof EXCLUSION_CODES)[number];

export interface ExclusionReason {
  code: ExclusionCode;
  message: string;
}

export interface RouteComponents {
  cost: number;
  latency: number;
  quality: number;
  safety: number;
}

export interface RouteCandidate {
  provider: string;
  model: string;
  score: number;
  components: RouteComponents;
  inputs: {
    /** Null when the model's price is unknown: it then counts as the most expensive candidate. */
    estimatedCostUsd: number | null;
    inputPerMillion: number | null;
    outputPerMillion: number | null;
    latencyMs: number;
    latencySource: string;
    latencySamples: number;
    quality: number;
    qualitySource: string;
    safety: number;
    safetySource: string;
    contextWindow: number | null;
  };
  /** What the router assumed for this model (an unknown price, say); empty when nothing. */
  notes: readonly string[];
}

export interface RouteExclusion {
  provider: string;
  model: string;
  reasons: ExclusionReason[];
}

/**
 * What routeModels returns. Exclusions that only the policy causes (and their reasons) are frozen
 * objects shared between decisions; everything else is new per call.
 */
export interface RouteDecision {
  chosen: ModelRef | null;
  ladder: ModelRef[];
  /** A tag ladder's entries that are not in `ladder`: excluded, not in the catalog, listed twice, or past the cap. */
  ladderSkipped: { model: string; reason: string }[];
  candidates: RouteCandidate[];
  /** Sorted by provider, then model. */
  excluded: RouteExclusion[];
  requirements: { capabilities: RoutingCapability[]; minContextWindow: number | null; maxOutputTokens: number | null };
  estimatedInputTokens: number;
  estimatedOutputTokens: number;
  weights: RoutingWeights;
  appliedTags: string[];
  policyHash: string;
}

/**
 * Output tokens assumed when neither the request nor the requirements say: the estimate is
 * `request.maxOutputTokens ?? requirements.maxOutputTokens ?? 256`. 256 is a short answer's worth; it
 * prices the request and checks the context window, so a caller expecting long answers should say so.
 */
export const DEFAULT_ESTIMATED_OUTPUT_TOKENS = 256;

const CAPABILITY_BIT: Record<RoutingCapability, number> = { tools: 1, vision: 2, jsonSchema: 4, reasoning: 8 };
/** Capability names in sorted order, for messages and the decision. */
const SORTED_CAPABILITIES = [...ROUTING_CAPABILITIES].sort();
const NO_NOTES: readonly string[] = Object.freeze([]);
const UNKNOWN_PRICE_NOTE = 'price unknown: counted as the most expensive candidate (cost component 0)';

function capabilityNames(mask: number): RoutingCapability[] {
  return SORTED_CAPABILITIES.filter((name) => (mask & CAPABILITY_BIT[name]) !== 0);
}

const compareIds = (aProvider: string, aModel: string, bProvider: string, bModel: string) =>
  aProvider < bProvider ? -1 : aProvider > bProvider ? 1 : aModel < bModel ? -1 : aModel > bModel ? 1 : 0;

// ---------------------------------------------------------------------------------------------
// Per-catalog preparation (cached per `models` array).

interface CatalogPrep {
  /** Struct of arrays, in provider/model order. */
  infos: ModelInfo[];
  refs: ModelRef[];
  ids: string[];
  capabilityMasks: Uint8Array;
  capabilitiesKnown: Uint8Array;
  providerIndex: Uint16Array;
  providers: string[];
  /** `provider/model` → position. */
  positionById: Map<string, number>;
  scores: WeakMap<ModelScoreTable, ModelScore[]>;
}

const catalogs = new WeakMap<readonly ModelInfo[], CatalogPrep>();

function prepareCatalog(models: readonly ModelInfo[]): CatalogPrep {
  let prep = catalogs.get(models);
  if (prep !== undefined) return prep;
  const infos = [...models].sort((a, b) => compareIds(a.provider, a.model, b.provider, b.model));
  const count = infos.length;
  const providers: string[] = [];
  const providerPositions = new Map<string, number>();
  prep = {
    infos,
    refs: new Array<ModelRef>(count),
    ids: new Array<string>(count),
    capabilityMasks: new Uint8Array(count),
    capabilitiesKnown: new Uint8Array(count),
    providerIndex: new Uint16Array(count),
    providers,
    positionById: new Map(),
    scores: new WeakMap(),
  };
  for (let position = 0; position < count; position += 1) {
    const info = infos[position] as ModelInfo;
    const id = `${info.provider}/${info.model}`;
    prep.refs[position] = Object.freeze({ provider: info.provider, model: info.model });
    prep.ids[position] = id;
    let mask = 0;
    for (const name of ROUTING_CAPABILITIES) if (info.capabilities[name]) mask |= CAPABILITY_BIT[name];
    prep.capabilityMasks[position] = mask;
    prep.capabilitiesKnown[position] = info.sources.capabilities === null ? 0 : 1;
    let providerPosition = providerPositions.get(info.provider);
    if (providerPosition === undefined) {
      providerPosition = providers.length;
      providers.push(info.provider);
      providerPositions.set(info.provider, providerPosition);
    }
    prep.providerIndex[position] = providerPosition;
    // The first of duplicate ids wins, like the catalog's own lookups.
    if (!prep.positionById.has(id)) prep.positionById.set(id, position);
  }
  catalogs.set(models, prep);
  return prep;
}

function scoresFor(prep: CatalogPrep, table: ModelScoreTable): ModelScore[] {
  let scores = prep.scores.get(table);
  if (scores === undefined) {
    scores = prep.refs.map((ref) => scoreOf(table, ref));
    prep.scores.set(table, scores);
  }
  return scores;
}

// ---------------------------------------------------------------------------------------------
// Per-policy compilation (cached per policy object and per applied tag set).

interface CompiledMatcher {
  pattern: string;
  matches: (id: string) => boolean;
}

interface StaticExclusions {
  /** provider_not_allowed … model_denied, per position (null: none). */
  before: (readonly ExclusionReason[] | null)[];
  /** price_above_max, price_unknown, per position (null: none). */
  after: (readonly ExclusionReason[] | null)[];
  /**
   * The exclusion itself when the model has static reasons, frozen and shared by every decision in
   * which it has no other reason: a policy that excludes hundreds of models then allocates nothing
   * for them.
   */
  whole: (RouteExclusion | null)[];
}

interface CompiledEffective {
  effective: EffectivePolicy;
  allowedProviders: ReadonlySet<string> | null;
  deniedProviders: ReadonlySet<string> | null;
  allowedModels: CompiledMatcher[] | null;
  deniedModels: CompiledMatcher[];
  requiredMask: number;
  byCatalog: WeakMap<CatalogPrep, StaticExclusions>;
}

interface CompiledPolicy {
  hash: string;
  byTags: Map<string, CompiledEffective>;
}

const policies = new WeakMap<RoutingPolicy, CompiledPolicy>();
/** Distinct tag sets cached per policy at most (a cache, not a store: past it, it starts over). */
const MAX_TAG_SETS = 256;

const compileMatchers = (patterns: readonly string[]): CompiledMatcher[] => patterns.map((pattern) => ({ pattern, matches: globMatcher(pattern) }));

function compiledFor(policy: RoutingPolicy, tags: readonly string[]): CompiledEffective {
  let compiled = policies.get(policy);
  if (compiled === undefined) {
    compiled = { hash: policyHash(policy), byTags: new Map() };
    policies.set(policy, compiled);
  }
  // Key by the tags the policy knows, sorted: unknown tags and the caller's order change nothing.
  let key = '';
  if (tags.length > 0) {
    const known = tags.filter((tag) => Object.hasOwn(policy.tags, tag));
    if (known.length > 0) key = [...new Set(known)].sort().join('\n');
  }
  let effectiveCompiled = compiled.byTags.get(key);
  if (effectiveCompiled === undefined) {
    const effective = effectivePolicy(policy, key === '' ? [] : key.split('\n'));
    const { constraints } = effective;
    let requiredMask = 0;
    for (const name of constraints.requiredCapabilities ?? []) requiredMask |= CAPABILITY_BIT[name];
    effectiveCompiled = {
      effective,
      allowedProviders: constraints.allowedProviders ? new Set(constraints.allowedProviders) : null,
      deniedProviders: constraints.deniedProviders ? new Set(constraints.deniedProviders) : null,
      allowedModels: constraints.allowedModels ? compileMatchers(constraints.allowedModels) : null,
      deniedModels: compileMatchers(constraints.deniedModels ?? []),
      requiredMask,
      byCatalog: new WeakMap(),
    };
    if (compiled.byTags.size >= MAX_TAG_SETS) compiled.byTags.clear();
    compiled.byTags.set(key, effectiveCompiled);
  }
  return effectiveCompiled;
}

const formatPrice = (price: number) => `$${price}/M`;

/** The exclusions that depend only on the policy and the catalog, computed once per pair. */
function staticExclusions(compiled: CompiledEffective, prep: CatalogPrep): StaticExclusions {
  let cached = compiled.byCatalog.get(prep);
  if (cached !== undefined) return cached;
  const { allowedProviders, deniedProviders, allowedModels, deniedModels } = compiled;
  const maxPrice = compiled.effective.constraints.maxPricePerMillion;
  const count = prep.infos.length;
  cached = { before: new Array(count).fill(null), after: new Array(count).fill(null), whole: new Array(count).fill(null) };
  const allowedProviderList = allowedProviders ? [...allowedProviders].join(', ') : '';
  const allowedModelList = allowedModels ? allowedModels.map((matcher) => matcher.pattern).join(', ') : '';
  for (let position = 0; position < count; position += 1) {
    const info = prep.infos[position] as ModelInfo;
    const id = prep.ids[position] as string;
    const before: ExclusionReason[] = [];
    if (allowedProviders !== null && !allowedProviders.has(info.provider)) {
      before.push({ code: 'provider_not_allowed', message: `provider ${info.provider} is not in allowedProviders (${allowedProviderList})` });
    }
    if (deniedProviders !== null && deniedProviders.has(info.provider)) {
      before.push({ code: 'provider_denied', message: `provider ${info.provider} is in deniedProviders` });
    }
    if (allowedModels !== null && !allowedModels.some((matcher) => matcher.matches(id))) {
      before.push({ code: 'model_not_allowed', message: `${id} matches no allowedModels pattern (${allowedModelList})` });
    }
    const denied = deniedModels.find((matcher) => matcher.matches(id));
    if (denied !== undefined) before.push({ code: 'model_denied', message: `${id} matches deniedModels pattern "${denied.pattern}"` });
    const after: ExclusionReason[] = [];
    if (maxPrice !== undefined) {
      const above: string[] = [];
      const unknown: string[] = [];
      for (const [side, max, price] of [
        ['input', maxPrice.input, info.prices.inputPerMillion],
        ['output', maxPrice.output, info.prices.outputPerMillion],
      ] as const) {
        if (max === undefined) continue;
        if (price === null) unknown.push(side);
        else if (price > max) above.push(`${side} ${formatPrice(price)} > max ${formatPrice(max)}`);
      }
      if (above.length > 0) after.push({ code: 'price_above_max', message: `price above maxPricePerMillion: ${above.join('; ')}` });
      if (unknown.length > 0) after.push({ code: 'price_unknown', message: `${unknown.join(' and ')} price unknown, and maxPricePerMillion.${unknown.join('/')} is set` });
    }
    cached.before[position] = before.length > 0 ? Object.freeze(before.map((reason) => Object.freeze(reason))) : null;
    cached.after[position] = after.length > 0 ? Object.freeze(after.map((reason) => Object.freeze(reason))) : null;
    if (before.length + after.length > 0) {
      const reasons = Object.freeze([...(cached.before[position] ?? []), ...(cached.after[position] ?? [])]) as ExclusionReason[];
      cached.whole[position] = Object.freeze({ provider: info.provider, model: info.model, reasons });
    }
  }
  compiled.byCatalog.set(prep, cached);
  return cached;
}

// ---------------------------------------------------------------------------------------------
// The request: implied capabilities and token estimates.

/**
 * Input tokens, estimated: ceil(characters / 4) over the text parts, the tool calls (name and JSON
 * arguments), the tool results and the JSON of the tools offered. Images and reasoning parts are
 * not counted (their token cost depends on the vendor). Four characters a token is the usual rule of
 * thumb for English text (and what the mock adapter counts); the estimate ranks models and checks
 * context windows, it does not bill.
 */
function estimateInputTokens(request: RouteRequest | undefined): { tokens: number; impliedMask: number } {
  if (request === undefined) return { tokens: 0, impliedMask: 0 };
  let characters = 0;
  let impliedMask = 0;
  for (const message of request.messages) {
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
          characters += part.text.length;
          break;
        case 'tool-call':
          characters += part.name.length + JSON.stringify(part.arguments).length;
          break;
        case 'tool-result':
          characters += part.content.length;
          break;
        case 'image':
          impliedMask |= CAPABILITY_BIT.vision;
          break;
        default:
          break;
      }
    }
  }
  if (request.tools !== undefined && request.tools.length > 0) {
    impliedMask |= CAPABILITY_BIT.tools;
    characters += JSON.stringify(request.tools).length;
  }
  if (request.responseFormat?.type === 'json_schema') impliedMask |= CAPABILITY_BIT.jsonSchema;
  return { tokens: Math.ceil(characters / 4), impliedMask };
}

// ---------------------------------------------------------------------------------------------
// The router.

const costKey = (cost: number | null) => (cost === null ? Number.POSITIVE_INFINITY : cost);

function byScoreThenCostThenId(a: RouteCandidate, b: RouteCandidate): number {
  if (a.score !== b.score) return b.score - a.score;
  const costA = costKey(a.inputs.estimatedCostUsd);
  const costB = costKey(b.inputs.estimatedCostUsd);
  if (costA !== costB) return costA < costB ? -1 : 1;
  return compareIds(a.provider, a.model, b.provider, b.model);
}

function byCostThenScoreThenId(a: RouteCandidate, b: RouteCandidate): number {
  const costA = costKey(a.inputs.estimatedCostUsd);
  const costB = costKey(b.inputs.estimatedCostUsd);
  if (costA !== costB) return costA < costB ? -1 : 1;
  if (a.score !== b.score) return b.score - a.score;
  return compareIds(a.provider, a.model, b.provider, b.model);
}

/** The model for a request, the escalation ladder, every candidate's score and every exclusion's reasons. */
export function routeModels(input: RouteInput): RouteDecision {
  const prep = prepareCatalog(input.models);
  const compiled = compiledFor(input.policy, input.tags ?? []);
  const { effective } = compiled;
  const exclusions = staticExclusions(compiled, prep);
  const scores = scoresFor(prep, input.scores ?? bundledModelScores());

  // Requirements: the caller's, the policy's, the request's.
  const requirements = input.requirements ?? {};
  const { tokens: estimatedInputTokens, impliedMask } = estimateInputTokens(input.request);
  let requiredMask = compiled.requiredMask | impliedMask;
  for (const name of requirements.capabilities ?? []) requiredMask |= CAPABILITY_BIT[name];
  const policyMin = effective.constraints.minContextWindow;
  const callerMin = requirements.minContextWindow;
  const minContextWindow = policyMin === undefined ? (callerMin ?? null) : callerMin === undefined ? policyMin : Math.max(policyMin, callerMin);
  const estimatedOutputTokens = input.request?.maxOutputTokens ?? requirements.maxOutputTokens ?? DEFAULT_ESTIMATED_OUTPUT_TOKENS;
  const neededTokens = estimatedInputTokens + estimatedOutputTokens;

  // Readiness once per provider (providers are few; models are many).
  const notReady: (ExclusionReason | null)[] = prep.providers.map((provider) => {
    const readiness = input.readiness(provider);
    return readiness.ready === false ? Object.freeze({ code: 'provider_not_ready' as const, message: `provider ${provider} is not ready: ${readiness.reason}` }) : null;
  });
  const missingReasons = new Map<number, ExclusionReason>();

  const excluded: RouteExclusion[] = [];
  // The eligible models' figures in parallel arrays (no object per model until the candidates).
  const count = prep.infos.length;
  const eligiblePositions = new Int32Array(count);
  const eligibleCosts = new Float64Array(count);
  const eligibleLatencies = new Array<RouteLatencyEstimate>(count);
  let eligibleCount = 0;
  let bestCost: number | null = null;
  let bestLatency: number | null = null;
  for (let position = 0; position < count; position += 1) {
    const info = prep.infos[position] as ModelInfo;
    const before = exclusions.before[position] ?? null;
    const after = exclusions.after[position] ?? null;
    const readiness = notReady[prep.providerIndex[position] ?? 0] ?? null;
    const missingMask = requiredMask & ~(prep.capabilityMasks[position] ?? 0);
    const contextWindow = info.contextWindow;
    const contextTooSmall =
      contextWindow === null ? minContextWindow !== null : neededTokens > contextWindow || (minContextWindow !== null && minContextWindow > contextWindow);
    if (before !== null || after !== null || readiness !== null || missingMask !== 0 || contextTooSmall) {
      if (readiness === null && missingMask === 0 && !contextTooSmall) {
        excluded.push(exclusions.whole[position] as RouteExclusion);
        continue;
      }
      const reasons: ExclusionReason[] = before === null ? [] : [...before];
      if (readiness !== null) reasons.push(readiness);
      if (missingMask !== 0) {
        const known = prep.capabilitiesKnown[position] === 1;
        const key = missingMask * 2 + (known ? 1 : 0);
        let reason = missingReasons.get(key);
        if (reason === undefined) {
          const names = capabilityNames(missingMask).join(', ');
          reason = Object.freeze({ code: 'missing_capability' as const, message: known ? `lacks ${names}` : `lacks ${names} (its capabilities are unknown: counted as none)` });
          missingReasons.set(key, reason);
        }
        reasons.push(reason);
      }
      if (contextTooSmall) reasons.push({ code: 'context_too_small', message: contextMessage(contextWindow, neededTokens, estimatedInputTokens, estimatedOutputTokens, minContextWindow) });
      if (after !== null) reasons.push(...after);
      excluded.push({ provider: info.provider, model: info.model, reasons });
      continue;
    }
    const costUsd = estimateCost(info, estimatedInputTokens, estimatedOutputTokens);
    const latency = input.latency(prep.refs[position] as ModelRef, (scores[position] as ModelScore).latencyMs);
    if (costUsd !== null && (bestCost === null || costUsd < bestCost)) bestCost = costUsd;
    if (bestLatency === null || latency.ms < bestLatency) bestLatency = latency.ms;
    eligiblePositions[eligibleCount] = position;
    eligibleCosts[eligibleCount] = costUsd === null ? Number.NaN : costUsd;
    eligibleLatencies[eligibleCount] = latency;
    eligibleCount += 1;
  }

  const weights = effective.weights;
  const candidates: RouteCandidate[] = new Array(eligibleCount);
  for (let index = 0; index < eligibleCount; index += 1) {
    const position = eligiblePositions[index] ?? 0;
    const rawCost = eligibleCosts[index] ?? Number.NaN;
    const costUsd = Number.isNaN(rawCost) ? null : rawCost;
    const latency = eligibleLatencies[index] as RouteLatencyEstimate;
    const score = scores[position] as ModelScore;
    const info = prep.infos[position] as ModelInfo;
    const cost = ratioToBest(costUsd, bestCost);
    const latencyComponent = ratioToBest(latency.ms, bestLatency);
    const quality = score.quality.value;
    const safety = score.safety.value;
    candidates[index] = {
      provider: info.provider,
      model: info.model,
      score: round6(weightedScore(weights, cost, latencyComponent, quality, safety)),
      components: { cost: round6(cost), latency: round6(latencyComponent), quality, safety },
      inputs: {
        estimatedCostUsd: costUsd,
        inputPerMillion: info.prices.inputPerMillion,
        outputPerMillion: info.prices.outputPerMillion,
        latencyMs: latency.ms,
        latencySource: latency.source,
        latencySamples: latency.samples,
        quality,
        qualitySource: score.quality.source,
        safety,
        safetySource: score.safety.source,
        contextWindow: info.contextWindow,
      },
      notes: costUsd === null ? [UNKNOWN_PRICE_NOTE] : NO_NOTES,
    };
  }
  candidates.sort(byScoreThenCostThenId);

  const cap = 1 + effective.escalation.maxEscalations;
  const ladderSkipped: { model: string; reason: string }[] = [];
  let ladderCandidates: RouteCandidate[];
  if (effective.ladder !== null) {
    ladderCandidates = tagLadder(effective.ladder, candidates, excluded, prep, cap, ladderSkipped);
  } else {
    ladderCandidates = cheapestFirstLadder(candidates, cap);
  }
  const ladder = ladderCandidates.map((candidate) => ({ provider: candidate.provider, model: candidate.model }));
  const [first] = ladder;

  return {
    chosen: first === undefined ? null : { provider: first.provider, model: first.model },
    ladder,
    ladderSkipped,
    candidates,
    excluded,
    requirements: { capabilities: capabilityNames(requiredMask), minContextWindow, maxOutputTokens: requirements.maxOutputTokens ?? null },
    estimatedInputTokens,
    estimatedOutputTokens,
    weights: { ...weights },
    appliedTags: [...effective.appliedTags],
    policyHash: policies.get(input.policy)?.hash ?? policyHash(input.policy),
  };
}

/** USD for this request at the model's catalog prices; null when a price it needs is unknown. */
function estimateCost(info: ModelInfo, inputTokens: number, outputTokens: number): number | null {
  const { inputPerMillion, outputPerMillion } = info.prices;
  let total = 0;
  if (inputTokens > 0) {
    if (inputPerMillion === null) return null;
    total += inputTokens * inputPerMillion;
  }
  if (outputTokens > 0) {
    if (outputPerMillion === null) return null;
    total += outputTokens * outputPerMillion;
  }
  return total / 1e6;
}

function contextMessage(contextWindow: number | null, needed: number, inputTokens: number, outputTokens: number, minContextWindow: number | null): string {
  if (contextWindow === null) return `context window unknown, and minContextWindow ${minContextWindow} is required`;
  const parts: string[] = [];
  if (needed > contextWindow) parts.push(`the request needs about ${needed} tokens (${inputTokens} in + ${outputTokens} out)`);
  if (minContextWindow !== null && minContextWindow > contextWindow) parts.push(`minContextWindow is ${minContextWindow}`);
  return `context window ${contextWindow} is too small: ${parts.join('; ')}`;
}

/**
 * The chosen candidate, then every other whose estimated cost is ≥ its own, cheapest first (ties:
 * score desc, then id): escalation never goes cheaper. Only the cap's worth is kept, by insertion
 * into a short sorted list (no sort of every candidate for a ladder of a few).
 */
function cheapestFirstLadder(candidates: readonly RouteCandidate[], cap: number): RouteCandidate[] {
  const [chosen] = candidates;
  if (chosen === undefined) return [];
  const floor = costKey(chosen.inputs.estimatedCostUsd);
  const room = cap - 1;
  const dearer: RouteCandidate[] = [];
  if (room <= 0) return [chosen];
  for (let index = 1; index < candidates.length; index += 1) {
    const candidate = candidates[index] as RouteCandidate;
    if (costKey(candidate.inputs.estimatedCostUsd) < floor) continue;
    if (dearer.length === room && byCostThenScoreThenId(candidate, dearer[room - 1] as RouteCandidate) >= 0) continue;
    let at = dearer.length === room ? room - 1 : dearer.length;
    while (at > 0 && byCostThenScoreThenId(candidate, dearer[at - 1] as RouteCandidate) < 0) {
      dearer[at] = dearer[at - 1] as RouteCandidate;
      at -= 1;
    }
    dearer[at] = candidate;
  }
  return [chosen, ...dearer];
}

/** A tag's ladder: its eligible entries in the operator's order; the rest reported, with why. */
function tagLadder(
  entries: readonly string[],
  candidates: readonly RouteCandidate[],
  excluded: readonly RouteExclusion[],
  prep: CatalogPrep,
  cap: number,
  skipped: { model: string; reason: string }[],
): RouteCandidate[] {
  const byId = new Map<string, RouteCandidate>();
  for (const candidate of candidates) byId.set(`${candidate.provider}/${candidate.model}`, candidate);
  const ladder: RouteCandidate[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry)) {
      skipped.push({ model: entry, reason: 'listed twice in the ladder' });
      continue;
    }
    seen.add(entry);
    const candidate = byId.get(entry);
    if (candidate !== undefined) {
      if (ladder.length < cap) ladder.push(candidate);
      else skipped.push({ model: entry, reason: `past the ladder's cap of ${cap} (1 + escalation.maxEscalations)` });
      continue;
    }
    if (!prep.positionById.has(entry)) {
      skipped.push({ model: entry, reason: 'not in the catalog of the enabled providers' });
      continue;
    }
    const exclusion = excluded.find((item) => `${item.provider}/${item.model}` === entry);
    skipped.push({ model: entry, reason: `excluded: ${exclusion ? exclusion.reasons.map((reason) => reason.code).join(', ') : 'not eligible'}` });
  }
  return ladder;
}
