/**
 * Provider rollouts: a candidate adapter first shadows the current one (same reads, answers diffed,
 * never used), then takes a stable, growing share of new work, and is rolled back automatically when
 * it breaches its SLO. Pure policy: the control plane runs the traffic and keeps the state.
 */
export { DEFAULT_IDENTITY_KEYS, DEFAULT_IGNORED_KEYS, type DiffOptions, type FieldMismatch, type MismatchKind, diffFields } from './field-diff.js';
export { RAMP_STAGES, type RampStage, goesToCandidate, rampBucket } from './ramp-assignment.js';
export {
  DEFAULT_ROLLOUT_SLO,
  type OutcomeSnapshot,
  OutcomeWindow,
  type RolloutOutcome,
  type RolloutSlo,
  RolloutSloSchema,
  type SloBreach,
  evaluateSlo,
} from './rollout-slo.js';
export { SHADOW_TIMER_SLACK_SEC, type ShadowBudget, type ShadowDecision, type ShadowTally, decideShadow, sortedJson } from './shadow-decision.js';
