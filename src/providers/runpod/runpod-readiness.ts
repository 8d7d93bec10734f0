import {
  ProviderError,
  ReadinessConfigError,
  type ReadinessConfigCheck,
  type ReadinessProbe,
  type ReadinessProbes,
} from '../../contracts/index.js';
import type { RunPodCatalog } from './runpod-catalog.js';
import type { RunPodConfig } from './runpod-config.js';
import { instanceTypeName } from './runpod-naming.js';
import type { RunPodRestClient } from './runpod-rest-client.js';
import { ListGpuTypesWireSchema, ListPodsWireSchema } from './runpod-wire.js';

const READINESS_GPU_TYPES = 'providers.runpod.readiness.gpuTypes';

export interface RunPodReadinessOptions {
  /** The registration's REST v2 client: its pacer (RateLimit headers, Retry-After) paces every probe request. */
  readonly rest: RunPodRestClient;
  /** A catalog over the same clients: the stock read a spawn's placement uses. */
  readonly catalog: RunPodCatalog;
  readonly config: RunPodConfig;
  /** What the registration was given; only its presence is ever reported. */
  readonly apiKey: string | undefined;
  /** The REST API's host, for the evidence lines. */
  readonly host: string;
}

/**
 * The RunPod readiness probes, every request through the registration's REST v2 client (its pacer,
 * deadline, error table and key redaction), none of them a write.
 *
 * - `configured`: an API key was given (RUNPOD_API_KEY or providers.runpod.apiKey; never shown).
 * - `auth`: GET /v2/catalog/gpus without availability, the cheapest authenticated read: one request,
 *   no account data, the same answer for every key. A key RunPod refuses is 401 (AUTH_ERROR).
 * - `execution`: the closest thing to a launch's pre-check RunPod offers. RunPod has no dry run, and
 *   no read shows a key's write scope or the account's balance (neither the v2 document nor the
 *   GraphQL schemas in vendor-specs/runpod have one), so the probe reads what createPod depends on:
 *   1. GET /v2/pods, the resource a launch creates in: a valid key scoped away from pods answers 403
 *      (v2 `ForbiddenError`, AUTH_ERROR), exactly as createPod would;
 *   2. GET /v2/catalog/gpus?include=AVAILABILITY&product=POD (the configured cloud, the smallest
 *      configured GPU count): stock above NONE for a configured GPU type (`readiness.gpuTypes`,
 *      default any) in a configured data center (`readiness.dataCenters`, default any); none is
 *      CAPACITY_ERROR, as createPod's "no longer any instances available" would be.
 *   What it cannot see, and a first spawn still can meet: a read-only key (reads pass, createPod is
 *   403), a balance too low (402), stock that is a hint, not a reservation.
 */
export function createRunPodReadiness(options: RunPodReadinessOptions): ReadinessProbes {
  const { rest, config } = options;
  const wantedTypes = config.readiness?.gpuTypes;
  const wantedDataCenters = config.readiness?.dataCenters;
  const count = Math.min(...config.gpuCounts);

  const auth: ReadinessProbe = {
    description: `RunPod REST v2 GET /v2/catalog/gpus at ${options.host}`,
    costUsd: 0,
    async run({ signal }) {
      const answer = await rest.call({ operation: 'listGpuTypes', method: 'GET', path: '/v2/catalog/gpus' }, ListGpuTypesWireSchema, signal);
      return `RunPod REST v2 answers at ${options.host}: ${answer.gpus.length} GPU type${answer.gpus.length === 1 ? '' : 's'} listed`;
    },
  };

  const shape = `${wantedTypes === undefined ? 'any GPU type' : wantedTypes.join(', ')} x${count} (${config.cloud}) in ${wantedDataCenters === undefined ? 'any data center' : wantedDataCenters.join(', ')}`;
  const execution: ReadinessProbe = {
    description: `RunPod launch pre-checks: GET /v2/pods (the key may reach pods), GET /v2/catalog/gpus?include=AVAILABILITY (stock for ${shape}); nothing is created`,
    costUsd: 0,
    async run({ signal }) {
      const pods = await rest.call({ operation: 'listPods', method: 'GET', path: '/v2/pods' }, ListPodsWireSchema, signal);
      const gpus = await options.catalog.gpus(count, signal);
      const unknown = (wantedTypes ?? []).filter((id) => !gpus.some(({ gpu }) => gpu.id === id));
      if (unknown.length > 0) {
        throw new ReadinessConfigError(`runpod: RunPod's catalog has no GPU type ${unknown.map((id) => JSON.stringify(id)).join(', ')} (${READINESS_GPU_TYPES})`, [READINESS_GPU_TYPES]);
      }
      const stocked = gpus
        .filter(({ gpu }) => wantedTypes === undefined || wantedTypes.includes(gpu.id))
        .flatMap(({ gpu, dataCenters }) =>
          dataCenters
            .filter((dc) => dc.availability !== 'NONE' && (wantedDataCenters === undefined || wantedDataCenters.includes(dc.id)))
            .map((dc) => `${instanceTypeName(gpu.id, count)} in ${dc.id} (${dc.availability})`),
        );
      if (stocked.length === 0) {
        throw new ProviderError({ code: 'CAPACITY_ERROR', provider: 'runpod', message: `runpod: no stock now for ${shape} (/v2/catalog/gpus availability); a launch would be refused` });
      }
      const podCount = pods.pods.length;
      return `pods readable (${podCount} pod${podCount === 1 ? '' : 's'}); stock now in ${stocked.length} place${stocked.length === 1 ? '' : 's'} (${stocked.slice(0, 3).join(', ')}${stocked.length > 3 ? ', …' : ''})`;
    },
  };

  return { configured: () => runPodConfigured(options.apiKey), auth, execution };
}

/** `configured` on its own: whether a key was given, by name. The endpoints were checked when the registration was made. */
export function runPodConfigured(apiKey: string | undefined): ReadinessConfigCheck {
  const missing = apiKey === undefined || apiKey === '' ? ['RUNPOD_API_KEY (or providers.runpod.apiKey)'] : [];
  return { ok: missing.length === 0, missing };
}
