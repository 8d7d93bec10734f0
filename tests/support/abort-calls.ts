/** How long after a call starts `abortSoon` aborts it: long enough for the request to be on the wire. */
export const ABORT_AFTER_MS = 100;

/** Settles a call as it starts (so no rejection waits unhandled) and says how and when it ended. */
export function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; at: number }> {
  return promise.then(
    (value) => ({ value, at: Date.now() }),
    (error: unknown) => ({ error, at: Date.now() }),
  );
}

/** A controller that aborts with `reason` a moment after the call starts. */
export function abortSoon(reason: unknown, afterMs = ABORT_AFTER_MS): AbortController {
  const controller = new AbortController();
  setTimeout(() => controller.abort(reason), afterMs);
  return controller;
}
