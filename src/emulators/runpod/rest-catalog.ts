import type { Context, Hono } from 'hono';
import type { EmulatedGpuType } from './runpod-catalog-data.js';
import { jsonResponse, type RestContext, restCall } from './rest-context.js';
import { type Availability, RunPodRefusal, type RunPodEmulatorState } from './runpod-emulator-state.js';

const RANK: Readonly<Record<Availability, number>> = { NONE: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

function listParam(c: Context, name: string): string[] {
  const value = c.req.query(name);
  return value === undefined || value === '' ? [] : value.split(',');
}

interface GpuQuery {
  availability: boolean;
  count: number;
  cloud: 'SECURE' | 'COMMUNITY';
}

function gpuQuery(c: Context): GpuQuery {
  const include = listParam(c, 'include');
  const product = listParam(c, 'product');
  if (include.some((value) => value !== 'AVAILABILITY')) throw new RunPodRefusal(422, 'Request validation failed.', ['include: must be AVAILABILITY']);
  const availability = include.includes('AVAILABILITY');
  if (availability !== product.length > 0) throw new RunPodRefusal(400, 'include=AVAILABILITY and product go together');
  if (product.some((value) => !['POD', 'CLUSTER', 'SERVERLESS'].includes(value))) throw new RunPodRefusal(422, 'Request validation failed.', ['product: unknown value']);
  const countText = c.req.query('count');
  const count = countText === undefined ? 1 : Number(countText);
  if (!Number.isInteger(count) || count < 1) throw new RunPodRefusal(422, 'Request validation failed.', ['count: must be an integer >= 1']);
  const cloud = c.req.query('cloud') ?? 'SECURE';
  if (cloud !== 'SECURE' && cloud !== 'COMMUNITY') throw new RunPodRefusal(422, 'Request validation failed.', ['cloud: SECURE or COMMUNITY']);
  if (!availability && (countText !== undefined || c.req.query('cloud') !== undefined)) throw new RunPodRefusal(400, 'count and cloud are valid only with include=AVAILABILITY');
  return { availability, count, cloud };
}

function gpuJson(state: RunPodEmulatorState, gpu: EmulatedGpuType, query: GpuQuery): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: gpu.id,
    name: gpu.name,
    pool: gpu.pool,
    manufacturer: gpu.manufacturer,
    memory: gpu.memory,
    secure: gpu.maxCount.secure > 0,
    community: gpu.maxCount.community > 0,
    price: { secure: gpu.price.secure, community: gpu.price.community },
    maxCount: { secure: gpu.maxCount.secure, community: gpu.maxCount.community },
  };
  if (!query.availability) return body;
  const max = query.cloud === 'SECURE' ? gpu.maxCount.secure : gpu.maxCount.community;
  const offered = query.count > max ? [] : gpu.dataCenters.flatMap((id) => {
    const dc = state.dataCenter(id);
    return dc === undefined ? [] : [{ id: dc.id, name: dc.name, availability: state.availability(dc.id, gpu.id, query.count) }];
  });
  const best = offered.reduce<Availability>((top, dc) => (RANK[dc.availability] > RANK[top] ? dc.availability : top), 'NONE');
  body.availability = best;
  if (offered.length > 0) body.dataCenters = offered;
  return body;
}

/** `/v2/catalog/gpus[/{id}]` and `/v2/catalog/datacenters[/{id}]`, with stock from the emulator's live state. */
export function mountCatalogRoutes(app: Hono, ctx: RestContext): void {
  const { state } = ctx;
  app.get('/v2/catalog/gpus', (c) =>
    restCall(ctx, c, null, (headers) => {
      const query = gpuQuery(c);
      return jsonResponse({ gpus: state.options.gpuTypes.map((gpu) => gpuJson(state, gpu, query)) }, 200, headers);
    }),
  );
  app.get('/v2/catalog/gpus/:id', (c) =>
    restCall(ctx, c, null, (headers) => {
      const query = gpuQuery(c);
      const gpu = state.gpuType(c.req.param('id'));
      if (gpu === undefined) throw new RunPodRefusal(404, 'The requested GPU type does not exist.');
      return jsonResponse(gpuJson(state, gpu, query), 200, headers);
    }),
  );
  const dataCenterJson = (id: string, include: string[]) => {
    const dc = state.dataCenter(id);
    if (dc === undefined) throw new RunPodRefusal(404, 'The requested data center does not exist.');
    const body: Record<string, unknown> = {
      id: dc.id,
      name: dc.name,
      region: dc.region,
      globalNetwork: dc.globalNetwork,
      networkVolumeTypes: dc.networkVolumeTypes,
      compliance: dc.compliance,
    };
    if (include.includes('GPU_AVAILABILITY')) {
      const gpus = state.options.gpuTypes.filter((gpu) => gpu.dataCenters.includes(dc.id));
      if (gpus.length > 0) body.gpuAvailability = gpus.map((gpu) => ({ id: gpu.id, name: gpu.name, availability: state.availability(dc.id, gpu.id) }));
    }
    return body;
  };
  const dataCenterInclude = (c: Context) => {
    const include = listParam(c, 'include');
    if (include.some((value) => value !== 'GPU_AVAILABILITY' && value !== 'CPU_AVAILABILITY')) {
      throw new RunPodRefusal(422, 'Request validation failed.', ['include: GPU_AVAILABILITY or CPU_AVAILABILITY']);
    }
    return include;
  };
  app.get('/v2/catalog/datacenters', (c) =>
    restCall(ctx, c, null, (headers) => {
      const include = dataCenterInclude(c);
      const regions = listParam(c, 'regions');
      const dcs = state.options.dataCenters.filter((dc) => regions.length === 0 || regions.includes(dc.region));
      return jsonResponse({ dataCenters: dcs.map((dc) => dataCenterJson(dc.id, include)) }, 200, headers);
    }),
  );
  app.get('/v2/catalog/datacenters/:id', (c) =>
    restCall(ctx, c, null, (headers) => jsonResponse(dataCenterJson(c.req.param('id'), dataCenterInclude(c)), 200, headers)),
  );
}
