/**
 * The options bag every provider method takes last. Optional and additive: a caller that passes
 * nothing gets today's behaviour.
 */
export interface ProviderCallOptions {
  /**
   * Aborted when the caller no longer waits for the answer (the control plane's provider-call deadline).
   * A provider hands it to its HTTP client or SDK and stops waiting (pacers, limiters, retries), and the
   * call rejects promptly. What the vendor already did stays done: an aborted spawn may leave a machine,
   * which carries the ownership marks so reconciliation adopts or collects it.
   */
  readonly signal?: AbortSignal;
}
