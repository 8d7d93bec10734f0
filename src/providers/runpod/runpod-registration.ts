import { type HeartbeatResult, type HeartbeatTask, heartbeatFailure, type ProviderRegistration, type ProviderSnapshot, SkippedEntryLog } from '../../contracts/index.js';
import { RateLimitPacer } from './rate-limit-pacer.js';
import { RunPodCatalog } from './runpod-catalog.js';
import type { RunPodConfig } from './runpod-config.js';
import { redact } from './runpod-errors.js';
import { RunPodGraphqlClient } from './runpod-graphql-client.js';
import type { RunPodInstance } from './runpod-instance.js';
import { type RunPodCapabilities, RunPodProvider } from './runpod-provider.js';
import { createRunPodReadiness } from './runpod-readiness.js';
import { RunPodRestClient } from './runpod-rest-client.js';

export const RUNPOD_DEFAULT_URL = 'https://api.runpod.io';
export const RUNPOD_DEFAULT_GRAPHQL_URL = 'https://api.runpod.io/graphql';

export interface RunPodRegistrationContext {
  /** Where `RUNPOD_API_KEY`, `HANGAR_RUNPOD_URL` and `HANGAR_RUNPOD_GRAPHQL_URL` are read (they win over the config file). */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  now?: () => number;
}

export type RunPodRegistration = ProviderRegistration<RunPodInstance, ProviderSnapshot, RunPodCapabilities>;

/**
 * The endpoints and key in force; a missing key is a one-line start-up error that names both places
 * to set it. An endpoint that carries the key (`?api_key=`, as RunPod's GraphQL docs show) is
 * refused: Hangar sends the key only as a Bearer header, and a URL ends up in logs. No error here
 * ever repeats a key.
 */
export function resolveRunPodAccess(config: RunPodConfig, env: NodeJS.ProcessEnv): { apiKey: string; baseUrl: string; graphqlUrl: string } {
  const apiKey = env.RUNPOD_API_KEY || config.apiKey;
  if (!apiKey) throw new Error('runpod: no API key: set RUNPOD_API_KEY (or providers.runpod.apiKey in the config file)');
  const endpoint = (name: string, fromEnv: string | undefined, fromFile: string | undefined, fallback: string): string => {
    const value = fromEnv || fromFile || fallback;
    const source = fromEnv ? name : `providers.runpod.${name === 'HANGAR_RUNPOD_URL' ? 'baseUrl' : 'graphqlUrl'}`;
    if (!URL.canParse(value)) throw new Error(`runpod: ${name} is not a URL: "${redact(value, apiKey)}"`);
    if (new URL(value).searchParams.has('api_key')) {
      throw new Error(`runpod: ${source} carries an api_key: remove it and set RUNPOD_API_KEY (Hangar sends the key only as a Bearer header)`);
    }
    return value;
  };
  const baseUrl = endpoint('HANGAR_RUNPOD_URL', env.HANGAR_RUNPOD_URL, config.baseUrl, RUNPOD_DEFAULT_URL);
  const graphqlUrl = endpoint('HANGAR_RUNPOD_GRAPHQL_URL', env.HANGAR_RUNPOD_GRAPHQL_URL, config.graphqlUrl, RUNPOD_DEFAULT_GRAPHQL_URL);
  return { apiKey, baseUrl, graphqlUrl };
}

export function createRunPodRegistration(config: RunPodConfig, context: RunPodRegistrationContext = {}): RunPodRegistration {
  const access = resolveRunPodAccess(config, context.env ?? process.env);
  const shared = { apiKey: access.apiKey, timeoutMs: config.requestTimeoutMs, ...(context.fetch && { fetch: context.fetch }), ...(context.now && { now: context.now }) };
  const pacerOptions = { maxWaitMs: config.maxPaceWaitMs, ...(context.now && { now: context.now }) };
  const rest = new RunPodRestClient({ ...shared, baseUrl: access.baseUrl, pacer: new RateLimitPacer({ ...pacerOptions, api: 'REST v2' }) });
  const graphql = new RunPodGraphqlClient({ ...shared, url: access.graphqlUrl, pacer: new RateLimitPacer({ ...pacerOptions, api: 'GraphQL' }) });
  // One log for the registration: the provider's catalog, pod and volume reads record into it; the control plane shows it.
  const skippedEntries = new SkippedEntryLog(context.now);
  const provider = new RunPodProvider({ rest, graphql, config, skippedEntries, ...(context.now && { now: context.now }) });
  // The readiness probes read through the same clients (so the same pacers); their catalog is the provider's stock read.
  const catalog = new RunPodCatalog(rest, graphql, config, context.now ?? Date.now, skippedEntries);
  return {
    provider,
    skippedEntries,
    readiness: createRunPodReadiness({ rest, catalog, config, apiKey: access.apiKey, host: new URL(access.baseUrl).host }),
    hooks: {
      onHeartbeat: async (task: HeartbeatTask): Promise<HeartbeatResult> => {
        // The control plane's reconcile lists every pod itself; RunPod keeps nothing else to tend.
        if (task === 'reconcile') return { task, ok: true, message: null };
        try {
          return { task, ok: true, message: await provider.ping() };
        } catch (error) {
          // The taxonomy code travels with the message (AUTH_ERROR: the control plane warns at start-up).
          return heartbeatFailure(task, error);
        }
      },
    },
  };
}
