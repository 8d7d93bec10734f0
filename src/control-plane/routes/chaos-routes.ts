import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import { parseJsonBody } from '../request-parsing.js';

/** GET / PUT / DELETE /v1/providers/:name/chaos: the testing tier's fault injection, live. */
export function chaosRoutes(ctx: ControlPlaneContext): Hono {
  const requireChaos = (name: string) => {
    const entry = ctx.registry.require(name);
    if (!entry.chaos) throw new ApiError(422, 'CHAOS_UNSUPPORTED', `provider ${name} has no chaos engine`, { provider: name });
    return entry.chaos;
  };
  return new Hono()
    .get('/v1/providers/:name/chaos', (c) => c.json(requireChaos(c.req.param('name')).status()))
    .put('/v1/providers/:name/chaos', async (c) => {
      const chaos = requireChaos(c.req.param('name'));
      const scenario = await parseJsonBody(c, z.unknown());
      const result = chaos.replace(scenario);
      if (!result.ok) {
        const summary = result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
        throw new ApiError(422, 'INVALID_CHAOS_SCENARIO', `invalid chaos scenario: ${summary}`, { issues: result.issues });
      }
      ctx.logger.info('chaos scenario replaced', { provider: c.req.param('name') });
      return c.json(chaos.status());
    })
    .delete('/v1/providers/:name/chaos', (c) => {
      const chaos = requireChaos(c.req.param('name'));
      chaos.clear();
      ctx.logger.info('chaos off', { provider: c.req.param('name') });
      return c.json(chaos.status());
    });
}
