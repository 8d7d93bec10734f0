import type { Hono } from 'hono';
import { AnthropicErrors, renderAnthropicError } from './anthropic-error.js';
import { type AnthropicModelCatalog, modelJson } from './anthropic-model-catalog.js';
import type { AnthropicEmulatorEnv } from './emulator-context.js';

/**
 * `GET /v1/models` (newest first, paged by `limit` (1-1000, default 20), `after_id` / `before_id`,
 * answered as `{data, has_more, first_id, last_id}`) and `GET /v1/models/{id}` (an alias resolves
 * to its dated model).
 */
export function mountModelRoutes(app: Hono<AnthropicEmulatorEnv>, catalog: AnthropicModelCatalog, maxPageSize: number): void {
  app.get('/v1/models', (c) => {
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? 20 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return renderAnthropicError(AnthropicErrors.invalidRequest('limit: Input should be greater than or equal to 1 and less than or equal to 1000'), c.get('requestId'));
    }
    const models = catalog.newestFirst;
    const afterId = c.req.query('after_id');
    const beforeId = c.req.query('before_id');
    let start = 0;
    let end = models.length;
    if (afterId !== undefined) start = models.findIndex((model) => model.id === afterId) + 1;
    if (beforeId !== undefined) end = Math.max(0, models.findIndex((model) => model.id === beforeId));
    const size = Math.min(limit, maxPageSize);
    // before_id pages backwards: the `size` models just before it.
    if (beforeId !== undefined && afterId === undefined) start = Math.max(0, end - size);
    const page = models.slice(start, Math.min(end, start + size));
    const hasMore = beforeId !== undefined && afterId === undefined ? start > 0 : start + page.length < end;
    return c.json({ data: page.map(modelJson), has_more: hasMore, first_id: page[0]?.id ?? null, last_id: page[page.length - 1]?.id ?? null });
  });

  app.get('/v1/models/:id', (c) => {
    const model = catalog.find(c.req.param('id'));
    if (model === undefined) return renderAnthropicError(AnthropicErrors.unknownModel(c.req.param('id')), c.get('requestId'));
    return c.json(modelJson(model));
  });
}
