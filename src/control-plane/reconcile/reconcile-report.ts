/** What one reconcile of one provider found and did. */
export interface ReconcileReport {
  provider: string;
  /** Owned machines the provider listed. */
  listed: number;
  /** Rows whose status or bookkeeping changed. */
  updated: number;
  /** Rows whose spawn outcome was unknown, matched to the machine that carries their marks. */
  adopted: number;
  orphansCollected: number;
  orphansReported: number;
  lost: number;
  drifted: number;
  terminationsRetried: number;
  /** Provider calls made, by method. */
  providerCalls: { list: number; get: number; terminate: number; snapshot: number };
  rowsWritten: number;
  durationMs: number;
  /** Provider calls that failed during the cycle; they are retried next cycle. */
  errors: { code: string; message: string; retryAfterMs?: number }[];
}

export function emptyReport(provider: string): ReconcileReport {
  return {
    provider,
    listed: 0,
    updated: 0,
    adopted: 0,
    orphansCollected: 0,
    orphansReported: 0,
    lost: 0,
    drifted: 0,
    terminationsRetried: 0,
    providerCalls: { list: 0, get: 0, terminate: 0, snapshot: 0 },
    rowsWritten: 0,
    durationMs: 0,
    errors: [],
  };
}

/** A reconcile of one provider as POST /v1/reconcile answers it: its report, or why it could not run. */
export type ReconcileOutcome = ReconcileReport | { provider: string; error: string };
