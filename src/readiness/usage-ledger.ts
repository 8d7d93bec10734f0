/** A usage event: what one piece of provider work cost and how it ended (a validation probe here). */
export interface UsageEvent {
  readonly provider: string;
  /** `provider-validation` for the readiness layer's probes. */
  readonly kind: string;
  readonly runId: string;
  readonly outcome: 'passed' | 'failed';
  readonly costUsd: number;
  readonly createdAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Where usage events are written and read back (the control plane's store). */
export interface UsageLedger {
  /** Writes the event; answers its id. */
  write(event: UsageEvent): Promise<string>;
  /** The stored event, or null when no row has that id. */
  read(id: string): Promise<(UsageEvent & { id: string }) | null>;
}
