/**
 * The decision after a shadow run: the candidate answered the same reads as the current adapter,
 * beside it, without its answers being used. Only a clean, bounded shadow run lets a rollout go on to
 * its first ramp stage; anything else holds it for a person to look at.
 */

/** The limits a shadow run was given: it may not compare more reads, or run longer, than this. */
export interface ShadowBudget {
  maxComparisons: number;
  maxDurationSec: number;
}

/** What a shadow run counted. */
export interface ShadowTally {
  /** Reads both adapters answered and that were diffed. */
  comparisons: number;
  /** Field mismatches found over all comparisons (see diffFields). */
  mismatches: number;
  candidateErrors: number;
  /** Reported for the record; they do not hold a rollout (a failing current adapter says nothing against the candidate). */
  currentErrors: number;
  elapsedSec: number;
}

/** `proceed` to the first ramp stage, or `hold` with one reason per failed condition. */
export interface ShadowDecision {
  decision: 'proceed' | 'hold';
  reasons: string[];
}

/**
 * Seconds a shadow run may overrun its duration budget: the run is stopped by a timer, and a timer
 * fires a little late, so a run stopped on time must not be held for it.
 */
export const SHADOW_TIMER_SLACK_SEC = 1;

const plural = (count: number, noun: string, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;

/**
 * Proceeds only when the run compared something (comparisons > 0), found no mismatch, saw no candidate
 * error, and kept to its budget (comparisons <= maxComparisons, elapsedSec <= maxDurationSec +
 * SHADOW_TIMER_SLACK_SEC). Otherwise holds, with one reason per failed condition, sorted (by code unit),
 * so the same tally always gives the same reasons. Each test fails closed: a NaN count holds.
 */
export function decideShadow(tally: ShadowTally, budget: ShadowBudget): ShadowDecision {
  const reasons: string[] = [];
  if (!(tally.comparisons > 0)) reasons.push('no comparison was made');
  if (!(tally.mismatches === 0)) reasons.push(`${plural(tally.mismatches, 'mismatch', 'mismatches')} (0 allowed)`);
  if (!(tally.candidateErrors === 0)) reasons.push(plural(tally.candidateErrors, 'candidate error'));
  if (!(tally.comparisons <= budget.maxComparisons)) reasons.push(`${plural(tally.comparisons, 'comparison')} over the budget of ${budget.maxComparisons}`);
  if (!(tally.elapsedSec <= budget.maxDurationSec + SHADOW_TIMER_SLACK_SEC)) reasons.push(`ran ${tally.elapsedSec} s, over the budget of ${budget.maxDurationSec} s`);
  reasons.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { decision: reasons.length === 0 ? 'proceed' : 'hold', reasons };
}

/**
 * JSON for a report written to disk: object keys sorted (by code unit) at every depth, arrays in their
 * own order, 2-space indent, one trailing newline, so the same report is the same bytes and a diff of
 * two reports shows only what changed. Values go through JSON first (`toJSON`, `undefined` dropped,
 * NaN as null), exactly as JSON.stringify would write them.
 */
export function sortedJson(value: unknown): string {
  const json = JSON.stringify(value);
  return `${json === undefined ? 'null' : write(JSON.parse(json) as unknown, '')}\n`;
}

/** JSON.stringify(value, null, 2)'s layout, with keys in sorted order (an object cannot hold `"10"` after `"9"`, so it is written by hand). */
function write(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + write(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((key) => `${inner}${JSON.stringify(key)}: ${write(record[key], inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
