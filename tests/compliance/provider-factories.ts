import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEc2Emulator } from '../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../src/providers/aws/aws-config.js';
import { createAwsRegistration } from '../../src/providers/aws/aws-registration.js';
import { startLambdaLabsEmulator } from '../../src/emulators/lambda-labs/start-lambda-labs-emulator.js';
import { LambdaLabsConfigSchema } from '../../src/providers/lambda-labs/lambda-labs-config.js';
import { createLambdaLabsRegistration } from '../../src/providers/lambda-labs/lambda-labs-registration.js';
import { startRunPodEmulator } from '../../src/emulators/runpod/start-runpod-emulator.js';
import { RunPodConfigSchema } from '../../src/providers/runpod/runpod-config.js';
import { createRunPodRegistration } from '../../src/providers/runpod/runpod-registration.js';
import { OrbStackConfigSchema } from '../../src/providers/orbstack/orbstack-config.js';
import { ORBSTACK_CONTRACT_CASES } from '../../src/providers/orbstack/orbstack-contract-cases.js';
import { createOrbStackRegistration } from '../../src/providers/orbstack/orbstack-registration.js';
import { makeTempDir } from '../support/temp-dir.js';
import type { ComputeTarget } from '../../src/governance/conformance/index.js';
import { complianceSubject } from './compliance-harness.js';

const FAKE_ORBCTL = fileURLToPath(new URL('../providers/orbstack/fake-orbctl/orbctl', import.meta.url));

/**
 * Every provider the compliance suite runs against, as the conformance kit's targets (a harness per
 * target: each case gets a fresh registration). A new provider joins by adding its factory here.
 */
export const COMPLIANCE_FACTORIES: readonly ComputeTarget[] = [
  {
    capability: 'compute',
    adapter: 'orbstack (local driver)',
    contractCases: ORBSTACK_CONTRACT_CASES,
    async create() {
      const dir = makeTempDir('compliance-orbstack');
      const config = OrbStackConfigSchema.parse({
        seed: 7,
        bootDelayMs: { min: 5, max: 20 },
        terminateDelayMs: { min: 5, max: 20 },
        snapshotDelayMs: { min: 5, max: 20 },
      });
      const registration = createOrbStackRegistration(config, { dataDir: dir.path });
      return complianceSubject(registration, { instanceType: 'orb.small', region: 'local-1' }, 'debian:12', async () => {
        await registration.hooks.onShutdown?.();
        dir.remove();
      });
    },
  },
  {
    capability: 'compute',
    adapter: 'orbstack (orbctl driver, fake CLI)',
    contractCases: ORBSTACK_CONTRACT_CASES,
    async create() {
      const dir = makeTempDir('compliance-orbctl');
      const config = OrbStackConfigSchema.parse({ driver: 'orbctl', seed: 7, orbctl: { path: FAKE_ORBCTL, timeoutMs: 10_000 } });
      const registration = createOrbStackRegistration(config, {
        dataDir: join(dir.path, 'data'),
        orbctlEnv: { ...process.env, FAKE_ORBCTL_STATE: join(dir.path, 'orbctl-state.json') },
      });
      return complianceSubject(registration, { instanceType: 'orb.small', region: 'local-1' }, 'debian:12', async () => {
        await registration.hooks.onShutdown?.();
        dir.remove();
      });
    },
  },
  {
    capability: 'compute',
    adapter: 'aws (EC2 emulator)',
    contractCases: [],
    async create() {
      const emulator = await startEc2Emulator({ seed: 7, bootDelayMs: 20, terminateDelayMs: 20, snapshotDelayMs: 20 });
      const config = AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: emulator.url, pricing: { endpoint: emulator.url } });
      const registration = createAwsRegistration(config, { credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' } });
      return complianceSubject(registration, { instanceType: 't3.micro', region: 'us-east-1' }, null, async () => {
        await registration.hooks.onShutdown?.();
        await emulator.close();
      });
    },
  },
  {
    capability: 'compute',
    adapter: 'lambda-labs (Lambda Cloud emulator)',
    contractCases: [],
    async create() {
      // A fresh key per target: the provider's limiter is shared per key, and tests must not queue behind each other.
      const apiKey = `compliance-${randomUUID()}`;
      const emulator = await startLambdaLabsEmulator({
        seed: 7,
        apiKeys: [apiKey],
        bootDelayMs: 20,
        terminateDelayMs: 20,
        rateLimits: { requestIntervalMs: 2, launchIntervalMs: 10, toleranceMs: 1 },
      });
      const config = LambdaLabsConfigSchema.parse({
        sshKeyName: 'hangar-emulator',
        regions: ['us-east-1', 'us-west-1', 'us-south-2'],
        rateLimits: { requestIntervalMs: 10, launchIntervalMs: 30, guardMs: 2 },
      });
      const registration = createLambdaLabsRegistration(config, { env: { LAMBDA_API_KEY: apiKey, HANGAR_LAMBDA_LABS_URL: emulator.url } });
      return complianceSubject(registration, { instanceType: 'gpu_1x_a10', region: 'us-east-1' }, 'ubuntu-22-04', async () => {
        await registration.hooks.onShutdown?.();
        await emulator.close();
      });
    },
  },
  {
    capability: 'compute',
    adapter: 'runpod (RunPod emulator, REST v2 + GraphQL)',
    contractCases: [],
    async create() {
      const apiKey = `rpa_compliance_${randomUUID()}`;
      const emulator = await startRunPodEmulator({
        seed: 7,
        apiKeys: [apiKey],
        bootDelayMs: { provisioning: 10, starting: 10 },
        rateLimits: [{ name: 'minute', quota: 100_000, windowMs: 60_000 }],
      });
      const registration = createRunPodRegistration(RunPodConfigSchema.parse({}), {
        env: { RUNPOD_API_KEY: apiKey, HANGAR_RUNPOD_URL: emulator.url, HANGAR_RUNPOD_GRAPHQL_URL: emulator.graphqlUrl },
      });
      return complianceSubject(registration, { instanceType: 'NVIDIA GeForce RTX 4090', region: 'US-KS-2' }, null, async () => {
        await registration.hooks.onShutdown?.();
        await emulator.close();
      });
    },
  },
];
