import type { z } from 'zod';
import type { ProviderRegistration } from './contracts/index.js';
import { type AwsConfig, AwsConfigSchema } from './providers/aws/aws-config.js';
import { createAwsRegistration } from './providers/aws/aws-registration.js';
import { readChaosScenarioFile } from './chaos/chaos-file.js';
import { type OrbStackConfig, OrbStackConfigSchema } from './providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from './providers/orbstack/orbstack-registration.js';
import { type LambdaLabsConfig, LambdaLabsConfigSchema } from './providers/lambda-labs/lambda-labs-config.js';
import { createLambdaLabsRegistration } from './providers/lambda-labs/lambda-labs-registration.js';
import { type RunPodConfig, RunPodConfigSchema } from './providers/runpod/runpod-config.js';
import { createRunPodRegistration } from './providers/runpod/runpod-registration.js';

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
  }),
  aws: factory({
    configSchema: AwsConfigSchema,
    // Credentials and endpoint overrides come from the SDK's own chain (environment, shared files, roles).
    create: (config: AwsConfig, context) => createAwsRegistration(config, { owner: context.owner }),
  }),
  'lambda-labs': factory({
    configSchema: LambdaLabsConfigSchema,
    // LAMBDA_API_KEY and HANGAR_LAMBDA_LABS_URL come from the environment; a missing key stops start-up in one line.
    create: (config: LambdaLabsConfig, context) => createLambdaLabsRegistration(config, { env: context.env }),
  }),
  runpod: factory({
    configSchema: RunPodConfigSchema,
    // RUNPOD_API_KEY, HANGAR_RUNPOD_URL and HANGAR_RUNPOD_GRAPHQL_URL come from the environment; a missing key stops start-up.
    create: (config: RunPodConfig, context) => createRunPodRegistration(config, { env: context.env }),
  }),
};

export function providerConfigSchemas(): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(PROVIDER_FACTORIES).map(([name, entry]) => [name, entry.configSchema]));
}
