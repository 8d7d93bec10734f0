import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` (the rest of a request's handling) with `requestId` in scope, so every log line it causes carries it. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return scope.run({ requestId }, fn);
}

/** The id of the request whose handling is under way, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}
