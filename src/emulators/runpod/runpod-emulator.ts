import { type Context, Hono } from 'hono';
import { EmulatorChaos } from '../shared/emulator-chaos.js';
import { mountGraphqlRoute } from './graphql-route.js';
import { problemResponse } from './problem-response.js';
import { RateLimitWindows } from './rate-limit-windows.js';
import { mountCatalogRoutes } from './rest-catalog.js';
import { mountNetworkVolumeRoutes } from './rest-network-volumes.js';
import { mountPodRoutes } from './rest-pods.js';
import { type RunPodEmulatorOptions, resolveRunPodEmulatorOptions } from './runpod-emulator-options.js';
import { RunPodEmulatorState, RunPodRefusal } from './runpod-emulator-state.js';

export interface RunPodEmulator {
  readonly app: Hono;
  readonly state: RunPodEmulatorState;
  readonly chaos: EmulatorChaos;
}

/**
 * RunPod's REST v2 (`/v2/...`, problem+json errors, RateLimit headers) and GraphQL (`/graphql`,
 * errors in HTTP 200) over one in-memory account. Test hooks live under `/_emulator`, where the
 * vendor has nothing.
 */
export function createRunPodEmulator(options: RunPodEmulatorOptions = {}): RunPodEmulator {
  const state = new RunPodEmulatorState(resolveRunPodEmulatorOptions(options));
  const chaos = new EmulatorChaos('runpod', options.chaos ?? null);
  const app = new Hono();
  chaos.mount(app);
  // Test hooks: the vendor reclaims an interruptible pod; a pod's machine record disappears (a real-world awkward pod).
  const hook = (act: (id: string) => unknown) => (c: Context) => {
    try {
      act(c.req.param('id') ?? '');
      return c.body(null, 204);
    } catch (error) {
      if (error instanceof RunPodRefusal) return problemResponse(error.status, error.message);
      throw error;
    }
  };
  app.post('/_emulator/pods/:id/preempt', hook((id) => state.preempt(id)));
  app.post('/_emulator/pods/:id/lose-machine', hook((id) => state.loseMachine(id)));

  const rest = { state, chaos, limits: new RateLimitWindows(state.options.rateLimits, state.options.now) };
  mountPodRoutes(app, rest);
  mountNetworkVolumeRoutes(app, rest);
  mountCatalogRoutes(app, rest);
  mountGraphqlRoute(app, { state, chaos, limits: new RateLimitWindows(state.options.graphqlRateLimits, state.options.now) });

  app.notFound(() => problemResponse(404, 'no such route'));
  app.onError((error) => problemResponse(500, `internal error: ${error.message}`));
  return { app, state, chaos };
}
