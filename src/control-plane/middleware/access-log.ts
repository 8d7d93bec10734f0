import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.js';

/**
 * Per request: a `request received` line at debug (method, path and the request headers, secret-bearing
 * ones redacted by the logger), then one `request` line at info once the response is ready: method,
 * path (no query), status and duration in milliseconds. Both carry the request id when the request-id
 * middleware runs first.
 */
export function accessLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    logger.debug('request received', { method: c.req.method, path: c.req.path, headers: Object.fromEntries(c.req.raw.headers) });
    try {
      await next();
    } finally {
      logger.info('request', {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  };
}
