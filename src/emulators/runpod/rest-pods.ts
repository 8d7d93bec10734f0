import type { Hono } from 'hono';
import { CreatePodRequestSchema, PodActionRequestSchema, validationErrors } from './create-pod-request.js';
import { podJson } from './pod-json.js';
import { jsonBody, jsonResponse, type RestContext, restCall } from './rest-context.js';
import { RunPodRefusal } from './runpod-emulator-state.js';

/** `/v2/pods`: list, create, get, rename, delete, and the state transitions of `/v2/pods/{id}/action`. */
export function mountPodRoutes(app: Hono, ctx: RestContext): void {
  const { state, chaos } = ctx;

  app.get('/v2/pods', (c) =>
    restCall(ctx, c, { operation: 'list' }, (headers) => {
      const now = state.now();
      const pods = state.listedPods().filter((pod) => !chaos.hiddenFromList(pod.createdAtMs, now, pod.id));
      return jsonResponse({ pods: pods.map((pod) => podJson(state, pod)) }, 200, headers);
    }),
  );

  app.post('/v2/pods', async (c) => {
    const raw = await c.req.raw.clone().json().catch(() => null);
    const gpu = (raw as { gpu?: { id?: unknown } } | null)?.gpu?.id;
    const dcs = (raw as { dataCenterIds?: unknown } | null)?.dataCenterIds;
    return restCall(
      ctx,
      c,
      {
        operation: 'spawn',
        spot: false,
        ...(typeof gpu === 'string' && { instanceType: gpu }),
        ...(Array.isArray(dcs) && typeof dcs[0] === 'string' && { region: dcs[0] }),
      },
      async (headers) => {
        const parsed = CreatePodRequestSchema.safeParse(await jsonBody(c));
        if (!parsed.success) throw new RunPodRefusal(422, 'Request validation failed.', validationErrors(parsed.error));
        const body = parsed.data;
        if ((body.gpu === undefined) === (body.cpu === undefined)) throw new RunPodRefusal(400, 'exactly one of gpu or cpu must be set');
        if (body.cpu !== undefined || body.gpu === undefined) throw new RunPodRefusal(400, 'CPU pods are not available on this account');
        if (body.templateId !== undefined) throw new RunPodRefusal(404, `template '${body.templateId}' does not exist`);
        if (body.image === undefined) throw new RunPodRefusal(422, 'Request validation failed.', ['image: required unless templateId is set']);
        if (body.mounts?.persistent !== undefined && body.mounts.network !== undefined) {
          throw new RunPodRefusal(400, 'at most one of mounts.persistent and mounts.network may be set');
        }
        const network = body.mounts?.network?.[0];
        const pod = state.createPod({
          name: body.name,
          image: body.image,
          args: body.args ?? '',
          disk: body.disk ?? 50,
          ports: body.ports ?? [],
          env: body.env ?? {},
          gpuTypeId: body.gpu.id,
          gpuCount: body.gpu.count ?? 1,
          cloud: body.cloud ?? 'SECURE',
          dataCenterIds: body.dataCenterIds ?? [],
          networkVolumeId: network?.volumeId ?? null,
          mountPath: network?.path ?? null,
          bidPerGpu: null,
          startSsh: body.startSsh === true,
          // REST v2 has no supportPublicIp: a Community Cloud pod created here gets no public IP.
          supportPublicIp: false,
        });
        return jsonResponse(podJson(state, pod), 201, headers);
      },
    );
  });

  app.get('/v2/pods/:id', (c) =>
    restCall(ctx, c, { operation: 'get', target: c.req.param('id') }, (headers) => {
      const pod = state.visiblePod(c.req.param('id'));
      if (pod === undefined) throw new RunPodRefusal(404, 'The requested Pod does not exist.');
      return jsonResponse(podJson(state, pod), 200, headers);
    }),
  );

  app.patch('/v2/pods/:id', (c) =>
    restCall(ctx, c, null, async (headers) => {
      const body = (await jsonBody(c)) as { name?: unknown };
      const pod = state.livePod(c.req.param('id'));
      if (typeof body.name !== 'string' || body.name === '' || Object.keys(body).length !== 1) {
        throw new RunPodRefusal(422, 'Request validation failed.', ['this emulator updates only name']);
      }
      pod.name = body.name;
      return jsonResponse(podJson(state, pod), 200, headers);
    }),
  );

  app.delete('/v2/pods/:id', (c) =>
    restCall(ctx, c, { operation: 'terminate', target: c.req.param('id') }, (headers) => {
      state.terminatePod(c.req.param('id'));
      return new Response(null, { status: 204, headers });
    }),
  );

  app.post('/v2/pods/:id/action', async (c) => {
    const raw = (await c.req.raw.clone().json().catch(() => null)) as { action?: unknown } | null;
    const chaosCall = raw?.action === 'terminate' ? { operation: 'terminate' as const, target: c.req.param('id') } : null;
    return restCall(ctx, c, chaosCall, async (headers) => {
      const parsed = PodActionRequestSchema.safeParse(await jsonBody(c));
      if (!parsed.success) throw new RunPodRefusal(422, 'Request validation failed.', validationErrors(parsed.error));
      const id = c.req.param('id');
      switch (parsed.data.action) {
        case 'terminate':
          state.terminatePod(id);
          return new Response(null, { status: 204, headers });
        case 'stop':
          return jsonResponse(podJson(state, state.stopPod(id)), 200, headers);
        case 'start':
          return jsonResponse(podJson(state, state.startPod(id)), 200, headers);
        case 'restart':
          return jsonResponse(podJson(state, state.restartPod(id)), 200, headers);
      }
    });
  });
}
