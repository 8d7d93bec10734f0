import type { HeartbeatResult, HeartbeatTask, ProviderRegistration, ProviderSnapshot } from '../../contracts/index.js';
import { RateLimitPacer } from './rate-limit-pacer.js';
import type { RunPodConfig } from './runpod-config.js';
import { RunPodGraphqlClient } from './runpod-graphql-client.js';
import type { RunPodInstance } from './runpod-instance.js';
import { type RunPodCapabilities, RunPodProvider } from './runpod-provider.js';
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

/** The endpoints and key in force; a missing key is a one-line start-up error that names both places to set it. */
export function resolveRunPodAccess(config: RunPodConfig, env: NodeJS.ProcessEnv): { apiKey: string; baseUrl: string; graphqlUrl: string } {
  const apiKey = env.RUNPOD_API_KEY || config.apiKey;
  if (!apiKey) throw new Error('runpod: no API key: set RUNPOD_API_KEY (or providers.runpod.apiKey in the config file)');
  const baseUrl = env.HANGAR_RUNPOD_URL || config.baseUrl || RUNPOD_DEFAULT_URL;
  const graphqlUrl = env.HANGAR_RUNPOD_GRAPHQL_URL || config.graphqlUrl || RUNPOD_DEFAULT_GRAPHQL_URL;
  if (!URL.canParse(baseUrl)) throw new Error(`runpod: HANGAR_RUNPOD_URL is not a URL: "${baseUrl}"`);
  if (!URL.canParse(graphqlUrl)) throw new Error(`runpod: HANGAR_RUNPOD_GRAPHQL_URL is not a URL: "${graphqlUrl}"`);
  return { apiKey, baseUrl, graphqlUrl };
}

export function createRunPodRegistration(config: RunPodConfig, context: RunPodRegistrationContext = {}): RunPodRegistration {
  const access = resolveRunPodAccess(config, context.env ?? process.env);
  const shared = { apiKey: access.apiKey, timeoutMs: config.requestTimeoutMs, ...(context.fetch && { fetch: context.fetch }), ...(context.now && { now: context.now }) };
  const pacerOptions = { maxWaitMs: config.maxPaceWaitMs, ...(context.now && { now: context.now }) };
  const rest = new RunPodRestClient({ ...shared, baseUrl: access.baseUrl, pacer: new RateLimitPacer({ ...pacerOptions, api: 'REST v2' }) });
  const graphql = new RunPodGraphqlClient({ ...shared, url: access.graphqlUrl, pacer: new RateLimitPacer({ ...pacerOptions, api: 'GraphQL' }) });
  const provider = new RunPodProvider({ rest, graphql, config, ...(context.now && { now: context.now }) });
  return {
    provider,
    hooks: {
      onHeartbeat: async (task: HeartbeatTask): Promise<HeartbeatResult> => {
        // The control plane's reconcile lists every pod itself; RunPod keeps nothing else to tend.
        if (task === 'reconcile') return { task, ok: true, message: null };
        try {
          return { task, ok: true, message: await provider.ping() };
        } catch (error) {
          return { task, ok: false, message: error instanceof Error ? error.message : String(error) };
        }
      },
    },
  };
}
