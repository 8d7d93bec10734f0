import type { MiddlewareHandler } from 'hono';
import { requestId as honoRequestId } from 'hono/request-id';
import { withRequestId } from '../request-scope.js';

/** A caller's id is kept only if it is a sane token: 1-128 of letters, digits, `_`, `-` and `=`. */
export const MAX_REQUEST_ID_LENGTH = 128;

/**
 * Gives every request an id: the caller's `X-Request-Id` if it is a sane token, else a new UUID. The
 * id is answered in `X-Request-Id` on every response (errors and 404s too), and is in scope for the
 * rest of the request, so each log line the request causes carries it.
 */
export function requestId(): MiddlewareHandler {
  const assign = honoRequestId({ limitLength: MAX_REQUEST_ID_LENGTH, headerName: 'X-Request-Id' });
  return (c, next) => assign(c, () => withRequestId(c.get('requestId'), next));
}
