import type { z } from 'zod';
import type { ProviderRegistration } from './contracts/index.js';
import { type AwsConfig, AwsConfigSchema } from './providers/aws/aws-config.js';
import { createAwsRegistration } from './providers/aws/aws-registration.js';
import { readChaosScenarioFile } from './chaos/chaos-file.js';
import { type OrbStackConfig, OrbStackConfigSchema } from './providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from './providers/orbstack/orbstack-registration.js';
import { LAMBDA_LABS_DEFAULT_BASE_URL, type LambdaLabsConfig, LambdaLabsConfigSchema } from './providers/lambda-labs/lambda-labs-config.js';
import { createLambdaLabsRegistration } from './providers/lambda-labs/lambda-labs-registration.js';
import { type RunPodConfig, RunPodConfigSchema } from './providers/runpod/runpod-config.js';
import { RUNPOD_DEFAULT_GRAPHQL_URL, RUNPOD_DEFAULT_URL, createRunPodRegistration } from './providers/runpod/runpod-registration.js';

export interface ProviderFactoryContext {
  dataDir: string;
  /** The control plane's ownership marker, for what a provider creates unasked (AWS warm volumes). */
  owner: string;
  env: NodeJS.ProcessEnv;
}

export interface ProviderFactory<TConfig> {
  readonly configSchema: z.ZodType<TConfig>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each factory returns its own enhanced registration; the registry projects it.
  create(config: TConfig, context: ProviderFactoryContext): ProviderRegistration<any, any, any>;
  /**
   * The URLs the provider's calls go to, from its config and the environment (as `create` resolves
   * them); empty for a provider that calls no network endpoint. A conformance run's `emulator` target
   * runs a provider only when they are all loopback.
   */
  endpoints(config: TConfig, env: NodeJS.ProcessEnv): string[];
}

function factory<TConfig>(definition: ProviderFactory<TConfig>): ProviderFactory<unknown> {
  return definition as ProviderFactory<unknown>;
}

/** Every provider Hangar can run, by name. Only the composition root and test harnesses use this. */
export const PROVIDER_FACTORIES: Readonly<Record<string, ProviderFactory<unknown>>> = {
  orbstack: factory({
    configSchema: OrbStackConfigSchema,
    create: (config: OrbStackConfig, context) => {
      const file = context.env.HANGAR_CHAOS;
      return createOrbStackRegistration(config, {
        dataDir: context.dataDir,
        ...(file && { chaosOverride: { source: `HANGAR_CHAOS (${file})`, scenario: readChaosScenarioFile(file) } }),
      });
    },
    // Machines on this host (the local simulation, or orbctl): no network endpoint.
    endpoints: () => [],
  }),
  aws: factory({
    configSchema: AwsConfigSchema,
    // Credentials and endpoint overrides come from the SDK's own chain (environment, shared files, roles).
    create: (config: AwsConfig, context) => createAwsRegistration(config, { owner: context.owner }),
    // The SDK's own order: the config's endpoint, else AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else AWS itself.
    endpoints: (config: AwsConfig, env) => [
      ...config.regions.map((region) => config.endpoint ?? env.AWS_ENDPOINT_URL_EC2 ?? env.AWS_ENDPOINT_URL ?? `https://ec2.${region}.amazonaws.com`),
      ...(config.pricing.enabled ? [config.pricing.endpoint ?? env.AWS_ENDPOINT_URL_PRICING ?? env.AWS_ENDPOINT_URL ?? 'https://api.pricing.us-east-1.amazonaws.com'] : []),
    ],
  }),
  'lambda-labs': factory({
    configSchema: LambdaLabsConfigSchema,
    // LAMBDA_API_KEY and HANGAR_LAMBDA_LABS_URL come from the environment; a missing key stops start-up in one line.
    create: (config: LambdaLabsConfig, context) => createLambdaLabsRegistration(config, { env: context.env }),
    endpoints: (config: LambdaLabsConfig, env) => [env.HANGAR_LAMBDA_LABS_URL || config.baseUrl || LAMBDA_LABS_DEFAULT_BASE_URL],
  }),
  runpod: factory({
    configSchema: RunPodConfigSchema,
    // RUNPOD_API_KEY, HANGAR_RUNPOD_URL and HANGAR_RUNPOD_GRAPHQL_URL come from the environment; a missing key stops start-up.
    create: (config: RunPodConfig, context) => createRunPodRegistration(config, { env: context.env }),
    endpoints: (config: RunPodConfig, env) => [env.HANGAR_RUNPOD_URL || config.baseUrl || RUNPOD_DEFAULT_URL, env.HANGAR_RUNPOD_GRAPHQL_URL || config.graphqlUrl || RUNPOD_DEFAULT_GRAPHQL_URL],
  }),
};

export function providerConfigSchemas(): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(PROVIDER_FACTORIES).map(([name, entry]) => [name, entry.configSchema]));
}
