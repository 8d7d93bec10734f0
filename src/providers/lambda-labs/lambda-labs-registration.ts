import {
  type HeartbeatResult,
  type HeartbeatTask,
  heartbeatFailure,
  type ProviderRegistration,
  type ProviderSnapshot,
  SkippedEntryLog,
} from '../../contracts/index.js';
import { LambdaLabsClient } from './lambda-labs-client.js';
import { LAMBDA_LABS_DEFAULT_BASE_URL, type LambdaLabsConfig } from './lambda-labs-config.js';
import type { LambdaLabsInstance } from './lambda-labs-instance.js';
import { createLambdaLabsReadiness } from './lambda-labs-readiness.js';
import { type LambdaLabsCapabilities, LambdaLabsProvider } from './lambda-labs-provider.js';
import { LAMBDA_PUBLIC_REGIONS } from './lambda-labs-wire.js';
import { rateLimiterFor } from './rate-limiter.js';

export interface LambdaLabsRegistrationContext {
  /** The process environment: `LAMBDA_API_KEY` and `HANGAR_LAMBDA_LABS_URL` are read from it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export type LambdaLabsRegistration = ProviderRegistration<LambdaLabsInstance, ProviderSnapshot, LambdaLabsCapabilities>;

/** Thrown at start-up for a configuration Hangar cannot run with; the message is one line and never holds the key. */
export class LambdaLabsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LambdaLabsConfigError';
  }
}

export function createLambdaLabsRegistration(config: LambdaLabsConfig, context: LambdaLabsRegistrationContext = {}): LambdaLabsRegistration {
  const env = context.env ?? {};
  const apiKey = env.LAMBDA_API_KEY || config.apiKey;
  if (!apiKey) throw new LambdaLabsConfigError('lambda-labs needs an API key: set LAMBDA_API_KEY (or providers."lambda-labs".apiKey)');
  const baseUrl = env.HANGAR_LAMBDA_LABS_URL || config.baseUrl || LAMBDA_LABS_DEFAULT_BASE_URL;
  if (!URL.canParse(baseUrl)) throw new LambdaLabsConfigError(`HANGAR_LAMBDA_LABS_URL is not a URL: "${baseUrl}"`);
  const regions = config.regions ?? [...LAMBDA_PUBLIC_REGIONS];
  const client = new LambdaLabsClient({
    baseUrl,
    apiKey,
    limiter: rateLimiterFor(apiKey),
    intervals: config.rateLimits,
    requestTimeoutMs: config.requestTimeoutMs,
    ...(context.fetch !== undefined && { fetch: context.fetch }),
  });
  // One log per registration: the provider records the entries it cannot read, the control plane shows them.
  const skippedEntries = new SkippedEntryLog(context.now);
  const provider = new LambdaLabsProvider({
    client,
    skippedEntries,
    sshKeyName: config.sshKeyName,
    regions,
    capacityCacheMs: config.capacityCacheMs,
    ...(context.now !== undefined && { now: context.now }),
  });
  return {
    provider,
    skippedEntries,
    // Through the same client (and so the key's one limiter) as spawns; nothing is launched.
    readiness: createLambdaLabsReadiness({
      client,
      apiKey,
      sshKeyName: config.sshKeyName,
      regions,
      ...(config.readiness?.instanceTypes !== undefined && { instanceTypes: config.readiness.instanceTypes }),
      host: new URL(baseUrl).host,
      skippedEntries,
    }),
    hooks: {
      onShutdown: async () => client.close(),
      onHeartbeat: async (task: HeartbeatTask): Promise<HeartbeatResult> => {
        // The control plane's reconcile lists every machine itself; Lambda keeps nothing else to tend.
        if (task === 'reconcile') return { task, ok: true, message: null };
        try {
          const { types, skipped } = await provider.probe();
          const unread = skipped === 0 ? '' : `, ${skipped} skipped: Hangar cannot read them`;
          return { task, ok: true, message: `Lambda Cloud answers at ${new URL(baseUrl).host} (${types} instance types${unread})` };
        } catch (error) {
          // The taxonomy code travels with the message: AUTH_ERROR makes the control plane warn at start-up.
          return heartbeatFailure(task, error);
        }
      },
    },
  };
}
