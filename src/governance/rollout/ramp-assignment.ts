import { sha256Hex } from '../../contracts/index.js';

/**
 * The percentage stages a rollout ramps through. Few and coarse on purpose: each stage must collect
 * enough candidate outcomes for the SLO to judge before the next one, and 0 and 100 are the two ends
 * a rollback or a promotion jumps to.
 */
export const RAMP_STAGES = [0, 5, 25, 50, 100] as const;

/** One of RAMP_STAGES: the percentage of new work the candidate takes. */
export type RampStage = (typeof RAMP_STAGES)[number];

/** Buckets per 100 %: a stage of `p` percent covers buckets [0, p * 100), so stages down to 0.01 % are exact. */
const BUCKETS = 10_000n;

/**
 * A key's bucket in [0, 10000), from SHA-256 of `${salt}\0${key}`: the same key and salt always land in
 * the same bucket, whichever process asks, and another salt (another rollout) reshuffles every key, so
 * one rollout's early adopters are not every rollout's. The bucket is floor(first 48 bits / 2^48 *
 * 10000), computed exactly in integers: taking the top bits as a fraction, rather than `mod 10000`,
 * keeps every bucket equally likely (within 2^-48) instead of favouring the low ones.
 */
export function rampBucket(key: string, salt: string): number {
  const top48 = BigInt(`0x${sha256Hex(`${salt}\u0000${key}`).slice(0, 12)}`);
  return Number((top48 * BUCKETS) >> 48n);
}

/**
 * Whether new work keyed `key` goes to the candidate at `stage` percent: `rampBucket(key, salt) <
 * stage * 100`. Stable (same key, stage and salt, same answer) and monotone (a key the candidate has at
 * 5 % it keeps at 25, 50 and 100 %: ramping up only adds keys, so work never flips back and forth
 * between adapters). 0 (or less, or NaN) never; 100 (or more) always. `stage * 100` is plain float
 * arithmetic: exact for whole percentages (every RAMP_STAGE), while a fractional stage may land a hair
 * off its boundary (0.07 * 100 is 7.000000000000001).
 */
export function goesToCandidate(key: string, stage: number, salt: string): boolean {
  return rampBucket(key, salt) < stage * 100;
}
