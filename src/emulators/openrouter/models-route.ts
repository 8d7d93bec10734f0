import type { Hono } from 'hono';
import { type OpenRouterEmulatorEnv, reply } from './emulator-context.js';
import type { OpenRouterEmulatorState } from './openrouter-emulator-state.js';
import { OpenRouterErrors } from './openrouter-error.js';

export const MODELS_PATH = '/api/v1/models';

function integerParameter(value: string | undefined, fallback: number, min: number, max: number): number | null {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) return null;
  const parsed = Number(value);
  return parsed >= min && parsed <= max ? parsed : null;
}

/**
 * `GET /api/v1/models` (`ModelsListResponse`): the catalog, paged by `offset` (default 0) and
 * `limit` (default 500, at most 1000) with `links.next` and `total_count`. The document's filters
 * (`category`, `supported_parameters`, prices, …) are accepted and not applied.
 */
export function mountModelsRoute(app: Hono<OpenRouterEmulatorEnv>, state: OpenRouterEmulatorState): void {
  app.get(MODELS_PATH, (c) => {
    const offset = integerParameter(c.req.query('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = integerParameter(c.req.query('limit'), 500, 1, 1000);
    if (offset === null) return reply(c, OpenRouterErrors.badRequest('offset must be a non-negative integer'));
    if (limit === null) return reply(c, OpenRouterErrors.badRequest('limit must be an integer from 1 to 1000'));
    const total = state.catalog.length;
    const end = offset + limit;
    return c.json({
      data: state.catalog.slice(offset, end).map((model) => model.entry),
      links: { next: end < total ? `${MODELS_PATH}?offset=${end}&limit=${limit}` : null },
      total_count: total,
    });
  });
}
