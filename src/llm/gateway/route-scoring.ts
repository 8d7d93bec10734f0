import type { RoutingWeights } from './routing-policy.js';

/**
 * How the router turns raw figures into components in [0, 1], higher = better.
 *
 * Cost and latency are normalized across the candidates of one decision by the ratio to the best:
 * `component = best / value`, where best is the lowest value among the candidates. So the cheapest
 * (fastest) candidate scores 1, one twice as dear (slow) 0.5, ten times 0.1: a ratio, not a rank, so
 * one outlier does not squash everyone else the way a min-max scale would. Edge cases: equal values
 * (both 0 included) score 1; when the best is 0 (a free model, say) every non-zero value scores 0; an
 * unknown value (null: no price) scores 0, as the most expensive candidate.
 *
 * Quality and safety are already in [0, 1] (the score table's stated scale), used as they are.
 */
export function ratioToBest(value: number | null, best: number | null): number {
  if (value === null || best === null) return 0;
  if (value === best) return 1;
  if (best <= 0 || value <= 0) return 0;
  return best / value;
}

export const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/** Σ weight × component / Σ weights (the weights are never all zero: the policy schema refuses it). */
export function weightedScore(weights: RoutingWeights, cost: number, latency: number, quality: number, safety: number): number {
  const total = weights.cost + weights.latency + weights.quality + weights.safety;
  if (total <= 0) return 0;
  return (weights.cost * cost + weights.latency * latency + weights.quality * quality + weights.safety * safety) / total;
}
