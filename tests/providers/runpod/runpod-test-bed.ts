import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { type SpawnOptions } from '../../../src/contracts/index.js';
import type { RunPodEmulatorOptions } from '../../../src/emulators/runpod/runpod-emulator-options.js';
import { type RunningRunPodEmulator, startRunPodEmulator } from '../../../src/emulators/runpod/start-runpod-emulator.js';
import { runPodBootstrap } from '../../../src/providers/runpod/runpod-bootstrap.js';
import { type RunPodConfig, RunPodConfigSchema } from '../../../src/providers/runpod/runpod-config.js';
import { createRunPodRegistration, type RunPodRegistration } from '../../../src/providers/runpod/runpod-registration.js';
import { graphqlRequestErrors, runPodReferenceSchema } from '../../emulators/runpod/runpod-graphql-reference.js';
import { runPodSpec } from '../../emulators/runpod/runpod-spec.js';

export interface RecordedCall {
  api: 'rest' | 'graphql';
  method: string;
  path: string;
  requestBody: unknown;
  status: number;
  headers: Headers;
  responseText: string;
}

export interface RunPodTestBed {
  readonly emulator: RunningRunPodEmulator;
  readonly registration: RunPodRegistration;
  readonly apiKey: string;
  /** Every request the provider sent, with its answer, in order. */
  readonly calls: RecordedCall[];
  /** Replaces the next answers to matching requests (after the emulator saw nothing). */
  intercept: ((method: string, path: string) => Response | null) | null;
  close(): Promise<void>;
}

export const GPU = 'NVIDIA GeForce RTX 4090';

const reference = runPodReferenceSchema();

/**
 * The real-world awkward entries a test plants in the emulator (vendor-specs/runpod/SOURCES.md: RunPod
 * answers them although the v2 document does not allow them): a GPU type whose `memory` is null, a pod
 * whose machine is gone (`gpu: null`), a network volume whose `size` is null. They are left out of
 * the spec check; everything else in the same answer is still checked.
 */
function plantedOddity(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const record = entry as Record<string, unknown>;
  return record.memory === null || record.gpu === null || record.size === null;
}

function withoutOddities(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, Array.isArray(value) ? value.filter((entry) => !plantedOddity(entry)) : value]));
}

/**
 * The provider over real HTTP against the RunPod emulator on loopback. The bed plants its own
 * API key; `keyAccess` makes the emulator refuse it, accept it for reads only, or only for some resources. Every REST request it sends
 * is checked against the v2 OpenAPI document as it goes out, and every answer as it comes back.
 */
export async function startRunPodTestBed(
  emulatorOptions: RunPodEmulatorOptions = {},
  config: Partial<RunPodConfig> = {},
  options: { keyAccess?: 'full' | 'read-only' | 'refused' | { restrictedTo: readonly string[] } } = {},
): Promise<RunPodTestBed> {
  const apiKey = `rpa_SECRET_${randomUUID().replaceAll('-', '')}`;
  const keyAccess = options.keyAccess ?? 'full';
  const emulator = await startRunPodEmulator({
    seed: 11,
    apiKeys: keyAccess === 'full' ? [apiKey] : ['rpa_SOMEBODY_ELSES_KEY_0000000000'],
    readOnlyApiKeys: keyAccess === 'read-only' ? [apiKey] : [],
    restrictedApiKeys: typeof keyAccess === 'object' ? { [apiKey]: keyAccess.restrictedTo } : {},
    bootDelayMs: { provisioning: 20, starting: 20 },
    rateLimits: [{ name: 'minute', quota: 100_000, windowMs: 60_000 }],
    ...emulatorOptions,
  });
  const bed = { emulator, apiKey, calls: [] as RecordedCall[], intercept: null } as unknown as RunPodTestBed & { intercept: RunPodTestBed['intercept'] };
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    const requestBody: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const api = url.pathname === '/graphql' ? 'graphql' : 'rest';
    if (api === 'rest') {
      const template = runPodSpec.templateFor(url.pathname);
      expect(template, `${method} ${url.pathname} is a v2 path`).toBeDefined();
      if (template !== undefined && requestBody !== undefined) expect(runPodSpec.requestErrors(template, method, requestBody), `${method} ${url.pathname}`).toEqual([]);
      expect(url.search.includes(apiKey)).toBe(false);
    } else {
      // Every GraphQL document and its variables must be valid against RunPod's own schema, not only the emulator's.
      const request = requestBody as { query: string; variables?: Record<string, unknown> };
      expect(graphqlRequestErrors(reference, request.query, request.variables ?? {}), 'GraphQL request against RunPod’s schema').toEqual([]);
    }
    expect(url.href.includes(apiKey)).toBe(false);
    const replaced = bed.intercept?.(method, url.pathname) ?? null;
    const response = replaced ?? (await fetch(input, init));
    const responseText = await response.clone().text();
    bed.calls.push({ api, method, path: url.pathname, requestBody, status: response.status, headers: response.headers, responseText });
    if (api === 'rest' && replaced === null) {
      const template = runPodSpec.templateFor(url.pathname) as string;
      const contentType = response.headers.get('content-type')?.split(';')[0] ?? '';
      if (response.status !== 204 && (contentType === 'application/json' || contentType === 'application/problem+json')) {
        const parsed = (() => {
          try {
            return JSON.parse(responseText) as unknown;
          } catch {
            return undefined;
          }
        })();
        // A chaos `malformed` answer is not JSON on purpose: nothing to check against the document.
        if (parsed !== undefined && !plantedOddity(parsed)) expect(runPodSpec.mediaResponseErrors(template, method, response.status, contentType, withoutOddities(parsed)), `${method} ${url.pathname} ${response.status}`).toEqual([]);
      }
    }
    return response;
  };
  const registration = createRunPodRegistration(RunPodConfigSchema.parse({ gpuCounts: [1, 2], ...config }), {
    env: { RUNPOD_API_KEY: apiKey, HANGAR_RUNPOD_URL: emulator.url, HANGAR_RUNPOD_GRAPHQL_URL: emulator.graphqlUrl },
    fetch: recordingFetch,
  });
  return Object.assign(bed, {
    registration,
    close: async () => {
      await registration.hooks.onShutdown?.();
      await emulator.close();
    },
  });
}

let sequence = 0;

export function spawnOptions(overrides: Partial<SpawnOptions> = {}): SpawnOptions {
  sequence += 1;
  const instanceId = `i_${sequence}`;
  return {
    instanceType: GPU,
    region: 'US-KS-2',
    zone: null,
    spot: false,
    image: null,
    name: `trainer-${sequence}`,
    tags: { team: 'ml' },
    bootstrap: runPodBootstrap({ instanceId, script: 'echo ready' }),
    idempotencyToken: instanceId,
    ownership: { owner: 'hangar-test', instanceId },
    ...overrides,
  };
}
