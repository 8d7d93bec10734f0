/**
 * Waiting that a caller's `AbortSignal` cuts short. An aborted wait rejects with the signal's reason
 * (the control plane's ProviderTimeoutError, say), so the caller sees why it stopped, never a
 * made-up failure of the work it was waiting for.
 */

/** The error an aborted call rejects with: the signal's reason when it is an Error, else an Error named AbortError. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(reason === undefined ? 'the operation was aborted' : `the operation was aborted: ${String(reason)}`);
  error.name = 'AbortError';
  return error;
}

/** Throws `abortReason(signal)` when the signal has already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortReason(signal);
}

/**
 * `promise`'s outcome, unless `signal` aborts first: then only this caller stops waiting (it rejects
 * with `abortReason`). The work goes on for anyone else awaiting it; its outcome is still handled,
 * so a later rejection is never left unhandled.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Resolves after `ms`; rejects at once, its timer cleared, when `signal` aborts first. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
