import type { Hono } from 'hono';
import { CreateNetworkVolumeRequestSchema, UpdateNetworkVolumeRequestSchema, validationErrors } from './create-pod-request.js';
import { volumeJson } from './pod-json.js';
import { jsonBody, jsonResponse, type RestContext, restCall } from './rest-context.js';
import { RunPodRefusal } from './runpod-emulator-state.js';

/** `/v2/network-volumes`. Deleting a volume a pod still mounts is refused with 409 (emulator choice: the spec lists only `default` for it). */
export function mountNetworkVolumeRoutes(app: Hono, ctx: RestContext): void {
  const { state } = ctx;
  app.get('/v2/network-volumes', (c) =>
    restCall(ctx, c, null, (headers) => jsonResponse({ networkVolumes: [...state.volumes.values()].map(volumeJson) }, 200, headers)),
  );
  app.post('/v2/network-volumes', (c) =>
    restCall(ctx, c, null, async (headers) => {
      const parsed = CreateNetworkVolumeRequestSchema.safeParse(await jsonBody(c));
      if (!parsed.success) throw new RunPodRefusal(422, 'Request validation failed.', validationErrors(parsed.error));
      return jsonResponse(volumeJson(state.createVolume(parsed.data)), 201, headers);
    }),
  );
  app.get('/v2/network-volumes/:id', (c) => restCall(ctx, c, null, (headers) => jsonResponse(volumeJson(state.volume(c.req.param('id'))), 200, headers)));
  app.patch('/v2/network-volumes/:id', (c) =>
    restCall(ctx, c, null, async (headers) => {
      const parsed = UpdateNetworkVolumeRequestSchema.safeParse(await jsonBody(c));
      if (!parsed.success) throw new RunPodRefusal(422, 'Request validation failed.', validationErrors(parsed.error));
      const volume = state.volume(c.req.param('id'));
      if (parsed.data.size !== undefined && volume.size !== null && parsed.data.size < volume.size) throw new RunPodRefusal(400, 'network volume storage cannot be reduced');
      if (parsed.data.name !== undefined) volume.name = parsed.data.name;
      if (parsed.data.size !== undefined) volume.size = parsed.data.size;
      return jsonResponse(volumeJson(volume), 200, headers);
    }),
  );
  app.delete('/v2/network-volumes/:id', (c) =>
    restCall(ctx, c, null, (headers) => {
      state.deleteVolume(c.req.param('id'));
      return new Response(null, { status: 204, headers });
    }),
  );
}
