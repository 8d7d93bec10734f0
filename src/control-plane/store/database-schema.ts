import type { Generated } from 'kysely';

/** Table shapes as kysely sees them; columns are snake_case, JSON columns hold text. */
export interface InstancesTable {
  id: string;
  provider: string;
  provider_id: string | null;
  status: string;
  name: string;
  instance_type: string;
  region: string;
  zone: string | null;
  spot: number;
  image: string | null;
  tags: string;
  volumes: Generated<string>;
  idempotency_key: string | null;
  request_hash: string;
  bootstrap_checksum: string;
  error: string | null;
  created_at: string;
  updated_at: string;
  terminate_requested_at: string | null;
  terminated_at: string | null;
  spec_hash: string | null;
  spec_hash_version: number | null;
  drift: string | null;
  terminate_attempts: Generated<number>;
  last_terminate_at: string | null;
  terminate_overdue_at: string | null;
  boot_overdue_at: string | null;
  placement_id: string | null;
  spawn_token: string | null;
}

export interface PlacementsTable {
  id: string;
  instance_id: string;
  status: string;
  requirements: string;
  policy: string;
  plan: string;
  request: string | null;
  escalations: Generated<string>;
  outcome: string | null;
  replaces: string | null;
  deadline_at: string;
  created_at: string;
  updated_at: string;
}

export interface PlacementAttemptsTable {
  placement_id: string;
  n: number;
  offer: string;
  token: string;
  started_at: string;
  ended_at: string | null;
  outcome: string;
  error_code: string | null;
  message: string | null;
  /** JSON: the offers a pool attempt covers (null: a one-offer spawn). */
  pools: string | null;
  /** JSON: what each pool of a pool attempt said, once it is over. */
  tries: string | null;
}

export interface CapacityErrorsTable {
  provider: string;
  region: string;
  zone: string;
  instance_type: string;
  market: string;
  code: string;
  message: string;
  source: string;
  failures: number;
  first_seen_at: string;
  last_seen_at: string;
  until: string;
}

export interface EventsTable {
  id: Generated<number>;
  provider: string | null;
  instance_id: string | null;
  type: string;
  from_status: string | null;
  to_status: string | null;
  message: string;
  data: string | null;
  created_at: string;
}

export interface SnapshotsTable {
  id: string;
  instance_id: string;
  provider: string;
  provider_snapshot_id: string | null;
  status: string;
  size_gib: number | null;
  description: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrphansTable {
  provider: string;
  provider_id: string;
  hangar_instance_id: string | null;
  first_seen_at: string;
  reported_at: string | null;
  collected_at: string | null;
}

export interface Database {
  instances: InstancesTable;
  events: EventsTable;
  snapshots: SnapshotsTable;
  orphans: OrphansTable;
  placements: PlacementsTable;
  placement_attempts: PlacementAttemptsTable;
  capacity_errors: CapacityErrorsTable;
  provider_validation_runs: ProviderValidationRunsTable;
  provider_validation_results: ProviderValidationResultsTable;
  usage_events: UsageEventsTable;
  llm_decisions: LlmDecisionsTable;
  llm_attempts: LlmAttemptsTable;
  llm_escalations: LlmEscalationsTable;
  llm_evals: LlmEvalsTable;
  provider_conformance_reports: ProviderConformanceReportsTable;
  api_tokens: ApiTokensTable;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: string;
  last_used_at: string | null;
}

export interface ProviderValidationRunsTable {
  run_id: string;
  mode: string;
  trigger: string;
  started_at: string;
  completed_at: string | null;
}

export interface ProviderValidationResultsTable {
  run_id: string;
  provider: string;
  mode: string;
  configured: number;
  auth_probe_passed: number;
  execution_probe_passed: number | null;
  usage_event_written: number;
  passed: number;
  ready: number;
  last_error_class: string | null;
  retries: number;
  retry_count_24h: number;
  escalation_count_24h: number;
  /** JSON: the CheckOutcome of each check. */
  checks: string;
  usage_event_id: string | null;
  started_at: string;
  completed_at: string;
}

export interface UsageEventsTable {
  id: string;
  provider: string;
  kind: string;
  run_id: string | null;
  outcome: string;
  cost_usd: number;
  /** JSON. */
  data: string;
  created_at: string;
}

export interface LlmDecisionsTable {
  id: string;
  created_at: string;
  kind: string;
  /** JSON array, sorted. */
  tags: string;
  chosen_provider: string | null;
  chosen_model: string | null;
  final_provider: string | null;
  final_model: string | null;
  status: string;
  policy_hash: string;
  /** JSON: rationale and request. */
  data: string;
  /** JSON: a generate call's outcome. */
  outcome: string | null;
}

export interface LlmAttemptsTable {
  decision_id: string;
  seq: number;
  provider: string;
  model: string;
  started_at: string;
  latency_ms: number;
  outcome: string;
  error_code: string | null;
  retry: number;
}

export interface LlmEscalationsTable {
  decision_id: string;
  seq: number;
  at: string;
  from_provider: string;
  from_model: string;
  to_provider: string;
  to_model: string;
  trigger: string;
  detail: string;
}

export interface LlmEvalsTable {
  id: string;
  decision_id: string;
  created_at: string;
  metric: string;
  score: number;
  label: string | null;
  comment: string | null;
  /** JSON. */
  data: string;
}

export interface ProviderConformanceReportsTable {
  id: string;
  run_id: string;
  capability: string;
  adapter: string;
  pass: number;
  /** JSON: the whole report, keys sorted. */
  report: string;
  created_at: string;
}
