import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceTypeOffering, ProviderRegistration } from '../../src/contracts/index.js';
import { EC2_INSTANCE_TYPES } from '../../src/emulators/ec2/ec2-catalog.js';
import { startEc2Emulator } from '../../src/emulators/ec2/start-ec2-emulator.js';
import { EMULATED_INSTANCE_TYPES } from '../../src/emulators/lambda-labs/lambda-labs-catalog.js';
import { startLambdaLabsEmulator } from '../../src/emulators/lambda-labs/start-lambda-labs-emulator.js';
import { DEFAULT_RUNPOD_GPU_TYPES, type EmulatedGpuType } from '../../src/emulators/runpod/runpod-catalog-data.js';
import { startRunPodEmulator } from '../../src/emulators/runpod/start-runpod-emulator.js';
import {
  findUnmappedGpus,
  GPU_FAMILIES,
  GPU_MEMORY_TOLERANCE,
  GPU_MODEL_IDS,
  GPU_TABLE,
  GPU_VENDORS,
  gpuFamilyMembers,
  gpuModelInfo,
  gpuModelMatches,
  type NormalizedGpu,
  normalizeGpu,
  parseGpuModel,
} from '../../src/placement/gpu-vocabulary.js';
import { AwsConfigSchema } from '../../src/providers/aws/aws-config.js';
import { createAwsRegistration } from '../../src/providers/aws/aws-registration.js';
import { LambdaLabsConfigSchema } from '../../src/providers/lambda-labs/lambda-labs-config.js';
import { createLambdaLabsRegistration } from '../../src/providers/lambda-labs/lambda-labs-registration.js';
import { OrbStackConfigSchema } from '../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../../src/providers/orbstack/orbstack-registration.js';
import { RunPodConfigSchema } from '../../src/providers/runpod/runpod-config.js';
import { createRunPodRegistration } from '../../src/providers/runpod/runpod-registration.js';
import { makeTempDir } from '../support/temp-dir.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any provider's registration: only its catalog and skip log are read.
type AnyRegistration = ProviderRegistration<any, any, any>;

/** A provider's catalog as it reads it from its emulator; the read must skip nothing, or a GPU could go unchecked. */
async function catalogOf(registration: AnyRegistration): Promise<InstanceTypeOffering[]> {
  const offerings = await registration.provider.instanceTypes();
  expect(registration.skippedEntries?.report().entries ?? [], 'catalog entries the provider skipped (their GPUs were never checked)').toEqual([]);
  return offerings;
}

async function awsCatalog(): Promise<InstanceTypeOffering[]> {
  const clock = Date.UTC(2025, 0, 1, 12, 30);
  const emulator = await startEc2Emulator({ seed: 7, now: () => clock });
  const registration = createAwsRegistration(AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: emulator.url, pricing: { endpoint: emulator.url } }), {
    credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
    now: () => clock,
  });
  try {
    return await catalogOf(registration);
  } finally {
    await registration.hooks.onShutdown?.();
    await emulator.close();
  }
}

async function lambdaCatalog(entryPatches: { instanceTypes: Record<string, unknown> } | undefined = undefined): Promise<InstanceTypeOffering[]> {
  const apiKey = `test-${randomUUID()}`;
  const emulator = await startLambdaLabsEmulator({ apiKeys: [apiKey], rateLimits: null, ...(entryPatches && { entryPatches }) });
  const config = LambdaLabsConfigSchema.parse({
    sshKeyName: 'hangar-emulator',
    regions: ['us-east-1', 'us-west-1', 'us-south-2'],
    rateLimits: { requestIntervalMs: 10, launchIntervalMs: 30, guardMs: 2 },
  });
  const registration = createLambdaLabsRegistration(config, { env: { LAMBDA_API_KEY: apiKey, HANGAR_LAMBDA_LABS_URL: emulator.url } });
  try {
    return await catalogOf(registration);
  } finally {
    await registration.hooks.onShutdown?.();
    await emulator.close();
  }
}

/** Every GPU count RunPod rents, so each GPU type is read at every size the emulator sells. */
const RUNPOD_GPU_COUNTS = [1, 2, 4, 8];

async function runPodCatalog(gpuTypes: readonly EmulatedGpuType[] | undefined = undefined): Promise<InstanceTypeOffering[]> {
  const apiKey = `rpa_TEST_${randomUUID().replaceAll('-', '')}`;
  const emulator = await startRunPodEmulator({ seed: 11, apiKeys: [apiKey], rateLimits: [], ...(gpuTypes && { gpuTypes }) });
  const registration = createRunPodRegistration(RunPodConfigSchema.parse({ gpuCounts: RUNPOD_GPU_COUNTS }), {
    env: { RUNPOD_API_KEY: apiKey, HANGAR_RUNPOD_URL: emulator.url, HANGAR_RUNPOD_GRAPHQL_URL: emulator.graphqlUrl },
  });
  try {
    return await catalogOf(registration);
  } finally {
    await registration.hooks.onShutdown?.();
    await emulator.close();
  }
}

async function orbStackCatalog(): Promise<InstanceTypeOffering[]> {
  const dir = makeTempDir('gpu-vocabulary');
  const registration = createOrbStackRegistration(OrbStackConfigSchema.parse({}), { dataDir: dir.path });
  try {
    return await catalogOf(registration);
  } finally {
    await registration.hooks.onShutdown?.();
    dir.remove();
  }
}

/** RunPod's GPU types as its reference lists them (docs.runpod.io/references/gpu-types): id, display name, GB. */
const RUNPOD_DOCUMENTED_GPUS: readonly (readonly [id: string, name: string, memory: number, manufacturer?: 'AMD'])[] = [
  ['AMD Instinct MI300X OAM', 'MI300X', 192, 'AMD'],
  ['NVIDIA A100 80GB PCIe', 'A100 PCIe', 80],
  ['NVIDIA A100-SXM4-80GB', 'A100 SXM', 80],
  ['NVIDIA A30', 'A30', 24],
  ['NVIDIA A40', 'A40', 48],
  ['NVIDIA B200', 'B200', 180],
  ['NVIDIA B300 SXM6 AC', 'B300', 288],
  ['NVIDIA GeForce RTX 3070', 'RTX 3070', 8],
  ['NVIDIA GeForce RTX 3080', 'RTX 3080', 10],
  ['NVIDIA GeForce RTX 3080 Ti', 'RTX 3080 Ti', 12],
  ['NVIDIA GeForce RTX 3090', 'RTX 3090', 24],
  ['NVIDIA GeForce RTX 3090 Ti', 'RTX 3090 Ti', 24],
  ['NVIDIA GeForce RTX 4070 Ti', 'RTX 4070 Ti', 12],
  ['NVIDIA GeForce RTX 4080', 'RTX 4080', 16],
  ['NVIDIA GeForce RTX 4080 SUPER', 'RTX 4080 SUPER', 16],
  ['NVIDIA GeForce RTX 4090', 'RTX 4090', 24],
  ['NVIDIA GeForce RTX 5080', 'RTX 5080', 16],
  ['NVIDIA GeForce RTX 5090', 'RTX 5090', 32],
  ['NVIDIA H100 80GB HBM3', 'H100 SXM', 80],
  ['NVIDIA H100 NVL', 'H100 NVL', 94],
  ['NVIDIA H100 PCIe', 'H100 PCIe', 80],
  ['NVIDIA H200', 'H200 SXM', 141],
  ['NVIDIA H200 NVL', 'H200 NVL', 143],
  ['NVIDIA L4', 'L4', 24],
  ['NVIDIA L40', 'L40', 48],
  ['NVIDIA L40S', 'L40S', 48],
  ['NVIDIA RTX 2000 Ada Generation', 'RTX 2000 Ada', 16],
  ['NVIDIA RTX 4000 Ada Generation', 'RTX 4000 Ada', 20],
  ['NVIDIA RTX 4000 SFF Ada Generation', 'RTX 4000 Ada SFF', 20],
  ['NVIDIA RTX 5000 Ada Generation', 'RTX 5000 Ada', 32],
  ['NVIDIA RTX 6000 Ada Generation', 'RTX 6000 Ada', 48],
  ['NVIDIA RTX A2000', 'RTX A2000', 6],
  ['NVIDIA RTX A4000', 'RTX A4000', 16],
  ['NVIDIA RTX A4500', 'RTX A4500', 20],
  ['NVIDIA RTX A5000', 'RTX A5000', 24],
  ['NVIDIA RTX A6000', 'RTX A6000', 48],
  ['NVIDIA RTX PRO 6000 Blackwell Server Edition', 'RTX PRO 6000', 96],
  ['NVIDIA RTX PRO 6000 Blackwell Workstation Edition', 'RTX PRO 6000 WK', 96],
  ['NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition', 'RTX PRO 6000 MaxQ', 96],
  ['Tesla V100-FHHL-16GB', 'V100 FHHL', 16],
  ['Tesla V100-PCIE-16GB', 'Tesla V100', 16],
  ['Tesla V100-SXM2-16GB', 'V100 SXM2', 16],
  ['Tesla V100-SXM2-32GB', 'V100 SXM2 32GB', 32],
];

/** The documented list as emulator GPU types (prices and stock are placeholders: only the names and memory matter here). */
const runPodDocumentedTypes: readonly EmulatedGpuType[] = RUNPOD_DOCUMENTED_GPUS.map(([id, name, memory, manufacturer]) => ({
  id,
  name,
  pool: null,
  manufacturer: manufacturer ?? 'NVIDIA',
  memory,
  price: { secure: 1, community: 0.5 },
  maxCount: { secure: 8, community: 8 },
  minimumBid: 0.4,
  dataCenters: ['US-KS-2'],
}));

/** Lambda's recorded production catalog (vendor-specs/lambda/examples), served by the emulator over its own. */
const recordedLambdaCatalog = (JSON.parse(readFileSync(new URL('../../vendor-specs/lambda/examples/m_instance_types_response.json', import.meta.url), 'utf8')) as { data: Record<string, unknown> })
  .data;

const UNMAPPED = 'GPUs the vocabulary cannot place: add a row or a rule to src/placement/gpu-table.ts';

function normalizedIn(provider: string, offerings: readonly InstanceTypeOffering[], instanceType: string): NormalizedGpu | null {
  const offering = offerings.find((entry) => entry.name === instanceType);
  expect(offering, `${provider} offers ${instanceType}`).toBeDefined();
  expect(offering?.gpu, `${instanceType} has a GPU`).not.toBeNull();
  return offering?.gpu ? normalizeGpu(provider, offering.gpu) : null;
}

const gpuOfferingNames = (offerings: readonly InstanceTypeOffering[]): string[] =>
  offerings
    .filter((offering) => offering.gpu !== null)
    .map((offering) => offering.name)
    .sort();

describe('the GPU table', () => {
  it('has unique, stable-looking ids and known vendors', () => {
    expect(new Set(GPU_MODEL_IDS).size).toBe(GPU_MODEL_IDS.length);
    for (const row of GPU_TABLE) {
      expect(row.id).toMatch(/^[A-Z0-9]+(-[A-Z0-9]+)*$/);
      expect(row.family).toMatch(/^[A-Z0-9]+(-[A-Z0-9]+)*$/);
      expect(GPU_VENDORS).toContain(row.vendor);
      expect(row.memoryGiB).toBeGreaterThan(0);
      expect(row.names.length).toBeGreaterThan(0);
    }
  });

  it('keeps family names apart from other models’ ids', () => {
    for (const family of GPU_FAMILIES) {
      const members = gpuFamilyMembers(family);
      expect(members.length).toBeGreaterThan(0);
      // A family named like a model is that model's alone (`L4`); otherwise it names no model (`A100`, `H200`).
      if (GPU_MODEL_IDS.includes(family)) expect(members).toEqual([family]);
      expect(members.every((id) => gpuModelInfo(id)?.family === family)).toBe(true);
    }
  });

  it('maps every row’s own spellings, at its nominal memory, back to that row (rows sharing a spelling are told apart by memory)', () => {
    for (const row of GPU_TABLE) {
      const spellings = [
        ...row.names.filter((rule): rule is string => typeof rule === 'string').map((name) => ['any', name] as const),
        ...Object.entries(row.sourceNames ?? {}).flatMap(([source, rules]) =>
          (rules ?? []).filter((rule): rule is string => typeof rule === 'string').map((name) => [source, name] as const),
        ),
      ];
      for (const [source, name] of spellings) {
        expect(normalizeGpu(source, { model: name, count: 1, memoryGiB: row.memoryGiB })?.model, `${source} "${name}" at ${row.memoryGiB} GiB`).toBe(row.id);
      }
    }
  });

  it('describes each model', () => {
    expect(gpuModelInfo('A100-80GB')).toEqual({ id: 'A100-80GB', family: 'A100', vendor: 'nvidia', architecture: 'ampere', memoryGiB: 80 });
    expect(gpuModelInfo('mi300x')).toMatchObject({ id: 'MI300X', vendor: 'amd', memoryGiB: 192 });
    expect(gpuModelInfo('A100')).toBeNull();
    expect(gpuFamilyMembers('a100')).toEqual(['A100-80GB', 'A100-40GB']);
    expect(gpuFamilyMembers('nope')).toEqual([]);
  });
});

describe('every GPU in every provider’s full emulated catalog maps to a canonical model', () => {
  const catalogs = new Map<string, InstanceTypeOffering[]>();
  beforeAll(async () => {
    const [aws, lambda, lambdaRecorded, runpod, runpodDocumented, orbstack] = await Promise.all([
      awsCatalog(),
      lambdaCatalog(),
      lambdaCatalog({ instanceTypes: recordedLambdaCatalog }),
      runPodCatalog(),
      runPodCatalog(runPodDocumentedTypes),
      orbStackCatalog(),
    ]);
    catalogs.set('aws', aws);
    catalogs.set('lambda-labs', lambda);
    catalogs.set('lambda-labs recorded', lambdaRecorded);
    catalogs.set('runpod', runpod);
    catalogs.set('runpod documented', runpodDocumented);
    catalogs.set('orbstack', orbstack);
  });
  afterAll(() => catalogs.clear());
  const catalog = (name: string): InstanceTypeOffering[] => {
    const offerings = catalogs.get(name);
    if (offerings === undefined) throw new Error(`no ${name} catalog`);
    return offerings;
  };

  it('aws (EC2 emulator): every GPU type the emulator sells, whole and fractional, AMD and Habana included', () => {
    const offerings = catalog('aws');
    // The provider read every GPU type the emulator carries: none is missing from the check.
    expect(gpuOfferingNames(offerings)).toEqual(
      EC2_INSTANCE_TYPES.filter((type) => type.gpu !== undefined)
        .map((type) => type.instanceType)
        .sort(),
    );
    expect(findUnmappedGpus('aws', offerings), UNMAPPED).toEqual([]);
  });

  it('lambda-labs (emulator catalog and Lambda’s recorded production catalog)', () => {
    const offerings = catalog('lambda-labs');
    expect(gpuOfferingNames(offerings)).toEqual(
      EMULATED_INSTANCE_TYPES.filter((type) => type.specs.gpus > 0)
        .map((type) => type.name)
        .sort(),
    );
    expect(findUnmappedGpus('lambda-labs', offerings), UNMAPPED).toEqual([]);
    const recorded = catalog('lambda-labs recorded');
    const recordedGpuTypes = Object.entries(recordedLambdaCatalog)
      .filter(([, item]) => (item as { instance_type: { specs: { gpus: number } } }).instance_type.specs.gpus > 0)
      .map(([name]) => name);
    expect(gpuOfferingNames(recorded)).toEqual(expect.arrayContaining(recordedGpuTypes));
    expect(findUnmappedGpus('lambda-labs', recorded), UNMAPPED).toEqual([]);
  });

  it('runpod (emulator catalog, and every GPU type RunPod documents), at every GPU count', () => {
    const offerings = catalog('runpod');
    const served = DEFAULT_RUNPOD_GPU_TYPES.filter((type) => type.memory !== null);
    expect(new Set(offerings.map((offering) => offering.gpu?.model))).toEqual(new Set(served.map((type) => type.name)));
    expect(findUnmappedGpus('runpod', offerings), UNMAPPED).toEqual([]);
    const documented = catalog('runpod documented');
    expect(documented).toHaveLength(RUNPOD_DOCUMENTED_GPUS.length * RUNPOD_GPU_COUNTS.length);
    expect(findUnmappedGpus('runpod', documented), UNMAPPED).toEqual([]);
  });

  it('orbstack (local catalog): no GPUs, nothing unmapped', () => {
    const offerings = catalog('orbstack');
    expect(offerings.length).toBeGreaterThan(0);
    expect(offerings.every((offering) => offering.gpu === null)).toBe(true);
    expect(findUnmappedGpus('orbstack', offerings)).toEqual([]);
  });

  it('A100 80 GB is one model on every provider: RunPod PCIe and SXM, Lambda gpu_8x_a100_80gb_sxm4, EC2 p4de', () => {
    const runpod = catalog('runpod documented');
    for (const count of RUNPOD_GPU_COUNTS) {
      const name = (id: string) => (count === 1 ? id : `${count}x ${id}`);
      expect(normalizedIn('runpod', runpod, name('NVIDIA A100 80GB PCIe'))).toMatchObject({ model: 'A100-80GB', family: 'A100', vendor: 'nvidia', count });
      expect(normalizedIn('runpod', runpod, name('NVIDIA A100-SXM4-80GB'))).toMatchObject({ model: 'A100-80GB', count });
    }
    expect(normalizedIn('runpod', catalog('runpod'), '2x NVIDIA A100 80GB PCIe')).toMatchObject({ model: 'A100-80GB', count: 2, raw: 'A100 PCIe' });
    expect(normalizedIn('lambda-labs', catalog('lambda-labs recorded'), 'gpu_8x_a100_80gb_sxm4')).toMatchObject({ model: 'A100-80GB', count: 8, raw: 'A100' });
    expect(normalizedIn('aws', catalog('aws'), 'p4de.24xlarge')).toEqual({ model: 'A100-80GB', family: 'A100', vendor: 'nvidia', count: 8, memoryGiB: 80, raw: 'A100' });
  });

  it('A100 40 GB is the other variant: EC2 p4d, Lambda gpu_8x_a100 and the PCIe types', () => {
    expect(normalizedIn('aws', catalog('aws'), 'p4d.24xlarge')).toMatchObject({ model: 'A100-40GB', family: 'A100', count: 8, memoryGiB: 40 });
    expect(normalizedIn('lambda-labs', catalog('lambda-labs'), 'gpu_8x_a100')).toMatchObject({ model: 'A100-40GB', count: 8 });
    expect(normalizedIn('lambda-labs', catalog('lambda-labs'), 'gpu_1x_a100_sxm4')).toMatchObject({ model: 'A100-40GB', count: 1 });
    expect(normalizedIn('lambda-labs', catalog('lambda-labs recorded'), 'gpu_4x_a100')).toMatchObject({ model: 'A100-40GB', count: 4 });
  });

  it('H100 80 GB is one model on the three clouds, SXM or PCIe; the 94 GB NVL is its own variant of the family', () => {
    expect(normalizedIn('aws', catalog('aws'), 'p5.48xlarge')).toMatchObject({ model: 'H100-80GB', family: 'H100', count: 8 });
    expect(normalizedIn('lambda-labs', catalog('lambda-labs'), 'gpu_8x_h100_sxm5')).toMatchObject({ model: 'H100-80GB', count: 8 });
    expect(normalizedIn('lambda-labs', catalog('lambda-labs'), 'gpu_1x_h100_pcie')).toMatchObject({ model: 'H100-80GB', count: 1 });
    expect(normalizedIn('runpod', catalog('runpod'), 'NVIDIA H100 80GB HBM3')).toMatchObject({ model: 'H100-80GB', count: 1, raw: 'H100 SXM' });
    expect(normalizedIn('runpod', catalog('runpod'), '8x NVIDIA H100 80GB HBM3')).toMatchObject({ model: 'H100-80GB', count: 8 });
    expect(normalizedIn('runpod', catalog('runpod documented'), '4x NVIDIA H100 PCIe')).toMatchObject({ model: 'H100-80GB', count: 4 });
    expect(normalizedIn('runpod', catalog('runpod documented'), 'NVIDIA H100 NVL')).toMatchObject({ model: 'H100-94GB', family: 'H100' });
  });

  it('keeps a fractional L4 an L4, with its fraction and its slice’s memory', () => {
    const aws = catalog('aws');
    expect(normalizedIn('aws', aws, 'g6f.large')).toEqual({ model: 'L4', family: 'L4', vendor: 'nvidia', count: 1, fraction: 0.125, memoryGiB: 2861 / 1024, raw: 'L4' });
    expect(normalizedIn('aws', aws, 'g6f.2xlarge')).toMatchObject({ model: 'L4', count: 1, fraction: 0.25 });
    expect(normalizedIn('aws', aws, 'gr6f.4xlarge')).toMatchObject({ model: 'L4', count: 1, fraction: 0.5 });
    const whole = normalizedIn('aws', aws, 'g6.xlarge');
    expect(whole).toMatchObject({ model: 'L4', count: 1 });
    expect(whole).not.toHaveProperty('fraction');
  });

  it('maps AMD and Habana to their own models', () => {
    expect(normalizedIn('aws', catalog('aws'), 'g4ad.xlarge')).toMatchObject({ model: 'RADEON-PRO-V520', vendor: 'amd', count: 1 });
    expect(normalizedIn('aws', catalog('aws'), 'dl1.24xlarge')).toMatchObject({ model: 'GAUDI', vendor: 'habana', count: 8, raw: 'Gaudi HL-205' });
    expect(normalizedIn('runpod', catalog('runpod documented'), '8x AMD Instinct MI300X OAM')).toMatchObject({ model: 'MI300X', vendor: 'amd', count: 8, raw: 'MI300X' });
  });

  it('tells apart the models whose names are close', () => {
    expect(normalizedIn('aws', catalog('aws'), 'g5.xlarge')?.model).toBe('A10G');
    expect(normalizedIn('lambda-labs', catalog('lambda-labs'), 'gpu_1x_a10')?.model).toBe('A10');
    expect(normalizedIn('aws', catalog('aws'), 'g6e.xlarge')?.model).toBe('L40S');
    expect(normalizedIn('runpod', catalog('runpod documented'), 'NVIDIA L40')?.model).toBe('L40');
    expect(normalizedIn('runpod', catalog('runpod documented'), 'NVIDIA L4')?.model).toBe('L4');
    expect(normalizedIn('runpod', catalog('runpod'), 'NVIDIA RTX A6000')?.model).toBe('A6000');
    expect(normalizedIn('lambda-labs', catalog('lambda-labs recorded'), 'gpu_1x_a6000')?.model).toBe('A6000');
    expect(normalizedIn('runpod', catalog('runpod'), 'NVIDIA GeForce RTX 4090')?.model).toBe('RTX4090');
    expect(normalizedIn('runpod', catalog('runpod documented'), 'NVIDIA RTX 6000 Ada Generation')?.model).toBe('RTX6000-ADA');
    // Lambda's "RTX 6000 (24 GB)" is the Turing Quadro, not the RTX 6000 Ada.
    expect(normalizedIn('lambda-labs', catalog('lambda-labs recorded'), 'gpu_1x_rtx6000')?.model).toBe('QUADRO-RTX6000');
    expect(normalizedIn('lambda-labs', catalog('lambda-labs recorded'), 'gpu_8x_v100')).toMatchObject({ model: 'V100-16GB', count: 8, raw: 'Tesla V100' });
    expect(normalizedIn('runpod', catalog('runpod documented'), 'Tesla V100-SXM2-32GB')?.model).toBe('V100-32GB');
    expect(normalizedIn('lambda-labs', catalog('lambda-labs recorded'), 'gpu_1x_gh200')?.model).toBe('GH200-96GB');
    expect(normalizedIn('lambda-labs', catalog('lambda-labs recorded'), 'gpu_8x_b200_sxm6')).toMatchObject({ model: 'B200', count: 8 });
    expect(normalizedIn('runpod', catalog('runpod documented'), 'NVIDIA H200 NVL')?.model).toBe('H200-141GB');
  });
});

describe('normalizeGpu', () => {
  it('reads EC2’s real GpuInfo names at the memory EC2 reports (MiB / 1024)', () => {
    const cases: [name: string, memoryMiB: number, model: string][] = [
      ['K80', 12288, 'K80'],
      ['M60', 8192, 'M60'],
      ['T4', 15360, 'T4'],
      ['T4g', 15360, 'T4'],
      ['V100', 16384, 'V100-16GB'],
      ['V100', 32768, 'V100-32GB'],
      ['A10G', 22888, 'A10G'],
      ['L4', 22888, 'L4'],
      ['L40S', 45776, 'L40S'],
      ['A100', 40960, 'A100-40GB'],
      ['A100', 81920, 'A100-80GB'],
      ['H100', 81920, 'H100-80GB'],
      ['H200', 143771, 'H200-141GB'],
      ['B200', 179200, 'B200'],
      ['Radeon Pro V520', 8192, 'RADEON-PRO-V520'],
      ['Gaudi HL-205', 32768, 'GAUDI'],
    ];
    for (const [name, memoryMiB, model] of cases) {
      expect(normalizeGpu('aws', { model: name, count: 1, memoryGiB: memoryMiB / 1024 })?.model, `${name} ${memoryMiB} MiB`).toBe(model);
    }
  });

  it('lets the memory decide between variants, within the tolerance, and refuses a memory no variant has', () => {
    const a100 = (memoryGiB: number) => normalizeGpu('aws', { model: 'A100', count: 8, memoryGiB })?.model ?? null;
    expect(a100(79.6)).toBe('A100-80GB');
    expect(a100(81)).toBe('A100-80GB');
    expect(a100(78.1)).toBe('A100-80GB'); // 80 000 MB read as GiB
    expect(a100(39.5)).toBe('A100-40GB');
    expect(a100(60)).toBeNull();
    expect(a100(120)).toBeNull();
    expect(a100(80 * (1 + GPU_MEMORY_TOLERANCE) + 1)).toBeNull();
    expect(normalizeGpu('runpod', { model: 'H100', count: 1, memoryGiB: 94 })?.model).toBe('H100-94GB');
    // A memory written in the name must agree with the reported one.
    expect(normalizeGpu('runpod', { model: 'NVIDIA A100 80GB PCIe', count: 1, memoryGiB: 40 })).toBeNull();
    expect(normalizeGpu('runpod', { model: 'NVIDIA A100 80GB PCIe', count: 1, memoryGiB: 80 })?.model).toBe('A100-80GB');
  });

  it('reads RunPod’s GPU type ids as well as its display names', () => {
    for (const [id, name, memory] of RUNPOD_DOCUMENTED_GPUS) {
      const byId = normalizeGpu('runpod', { model: id, count: 1, memoryGiB: memory });
      expect(byId, id).not.toBeNull();
      expect(byId?.model, id).toBe(normalizeGpu('runpod', { model: name, count: 1, memoryGiB: memory })?.model);
    }
  });

  it('judges a fractional GPU by the memory of the whole GPU', () => {
    expect(normalizeGpu('aws', { model: 'L4', count: 1, memoryGiB: 2861 / 1024, fraction: 0.125 })).toMatchObject({ model: 'L4', fraction: 0.125 });
    // A slice of an A100 80 GB is not an A100 40 GB.
    expect(normalizeGpu('aws', { model: 'A100', count: 1, memoryGiB: 40, fraction: 0.5 })?.model).toBe('A100-80GB');
  });

  it('applies a provider’s own spellings only to that provider', () => {
    expect(normalizeGpu('lambda-labs', { model: 'RTX 6000', count: 1, memoryGiB: 24 })?.model).toBe('QUADRO-RTX6000');
    expect(normalizeGpu('runpod', { model: 'RTX 6000', count: 1, memoryGiB: 24 })).toBeNull();
    expect(normalizeGpu('constructor', { model: 'RTX 6000', count: 1, memoryGiB: 24 })).toBeNull();
  });

  it('returns null for what it does not know', () => {
    for (const model of ['Foo 9000', 'NVIDIA', 'NVIDIA GeForce', 'RTX', 'A1000', 'H100 Super', 'N/A', '80GB', '-']) {
      expect(normalizeGpu('aws', { model, count: 1, memoryGiB: 80 }), model).toBeNull();
    }
  });

  it('findUnmappedGpus lists the unmapped ones, and only those', () => {
    const offering = (name: string, gpu: InstanceTypeOffering['gpu']): InstanceTypeOffering => ({
      name,
      vcpus: 4,
      memoryGiB: 16,
      gpu,
      regions: [],
      pricePerHour: 1,
      spotPricePerHour: null,
      warnings: [],
    });
    const mystery = { model: 'Mystery X1', count: 2, memoryGiB: 64 };
    const offerings = [
      offering('cpu', null),
      offering('known', { model: 'A100', count: 8, memoryGiB: 80 }),
      offering('odd-memory', { model: 'A100', count: 8, memoryGiB: 64 }),
      offering('mystery', mystery),
    ];
    expect(findUnmappedGpus('aws', offerings)).toEqual([
      { instanceType: 'odd-memory', gpu: { model: 'A100', count: 8, memoryGiB: 64 } },
      { instanceType: 'mystery', gpu: mystery },
    ]);
  });
});

describe('parseGpuModel', () => {
  it('reads what users type', () => {
    const cases: [input: string, expected: string][] = [
      ['h100', 'H100'],
      ['H100', 'H100'],
      ['h100-80gb', 'H100-80GB'],
      ['H100 80GB', 'H100-80GB'],
      ['nvidia h100 80gb hbm3', 'H100-80GB'],
      ['h100 nvl', 'H100-94GB'],
      ['A100', 'A100'],
      ['a100', 'A100'],
      ['A100 80GB', 'A100-80GB'],
      ['a100-40gb', 'A100-40GB'],
      ['nvidia a100-sxm4-80gb', 'A100-80GB'],
      ['NVIDIA A100 80GB PCIe', 'A100-80GB'],
      ['A100 (40 GB SXM4)', 'A100-40GB'],
      ['4090', 'RTX4090'],
      ['rtx 4090', 'RTX4090'],
      ['RTX4090', 'RTX4090'],
      ['GeForce RTX 4090', 'RTX4090'],
      ['NVIDIA GeForce RTX 4090', 'RTX4090'],
      ['rtx 5090', 'RTX5090'],
      ['rtx 3090 ti', 'RTX3090TI'],
      ['rtx 3090', 'RTX3090'],
      ['a10g', 'A10G'],
      ['A10', 'A10'],
      ['l4', 'L4'],
      ['L40', 'L40'],
      ['l40s', 'L40S'],
      ['t4', 'T4'],
      ['Tesla T4', 'T4'],
      ['v100', 'V100'],
      ['V100 32GB', 'V100-32GB'],
      ['tesla v100-sxm2-16gb', 'V100-16GB'],
      ['rtx a6000', 'A6000'],
      ['A6000', 'A6000'],
      ['RTX 6000 Ada', 'RTX6000-ADA'],
      ['rtx pro 6000', 'RTXPRO6000'],
      ['h200', 'H200'],
      ['H200-141GB', 'H200-141GB'],
      ['b200', 'B200'],
      ['gh200', 'GH200'],
      ['mi300x', 'MI300X'],
      ['AMD Instinct MI300X OAM', 'MI300X'],
      ['Radeon Pro V520', 'RADEON-PRO-V520'],
      ['gaudi', 'GAUDI'],
      ['Gaudi HL-205', 'GAUDI'],
      ['  l40s  ', 'L40S'],
    ];
    for (const [input, expected] of cases) expect(parseGpuModel(input), JSON.stringify(input)).toBe(expected);
  });

  it('gives back a canonical id or family unchanged, whatever its case', () => {
    for (const id of GPU_MODEL_IDS) {
      expect(parseGpuModel(id)).toBe(id);
      expect(parseGpuModel(id.toLowerCase())).toBe(id);
    }
    for (const family of GPU_FAMILIES) expect(parseGpuModel(family)).toBe(family);
  });

  it('returns null for junk, unknown models, impossible memories and ambiguous names', () => {
    const junk = [
      '',
      '   ',
      'foo',
      'gpu',
      'nvidia',
      'rtx',
      'a',
      '80gb',
      'h1000',
      'A1000',
      'a100 60gb',
      'h100-70gb',
      'A100-80',
      '8x h100',
      'rtx 6000', // the Turing Quadro, the Ada or the Blackwell PRO: say which
      'x'.repeat(200),
      '💥',
      'a100; drop table',
    ];
    for (const input of junk) expect(parseGpuModel(input), JSON.stringify(input)).toBeNull();
    expect(parseGpuModel(undefined as unknown as string)).toBeNull();
  });
});

describe('gpuModelMatches', () => {
  it('takes a family as any of its variants and an id as itself', () => {
    expect(gpuModelMatches('A100', 'A100-80GB')).toBe(true);
    expect(gpuModelMatches('A100', 'A100-40GB')).toBe(true);
    expect(gpuModelMatches('a100', 'A100-40GB')).toBe(true);
    expect(gpuModelMatches('A100-80GB', 'A100-80GB')).toBe(true);
    expect(gpuModelMatches('A100-80GB', 'A100-40GB')).toBe(false);
    expect(gpuModelMatches('A100-40GB', 'A100-80GB')).toBe(false);
    expect(gpuModelMatches('h100', 'H100-80GB')).toBe(true);
    expect(gpuModelMatches('h100', 'H100-94GB')).toBe(true);
    expect(gpuModelMatches('H100-80GB', 'H100-94GB')).toBe(false);
    expect(gpuModelMatches('L4', 'L4')).toBe(true);
  });

  it('accepts any spelling parseGpuModel reads', () => {
    expect(gpuModelMatches('nvidia a100-sxm4-80gb', 'A100-80GB')).toBe(true);
    expect(gpuModelMatches('A100 80GB', 'A100-40GB')).toBe(false);
    expect(gpuModelMatches('rtx 4090', 'RTX4090')).toBe(true);
    expect(gpuModelMatches('4090', 'RTX4090')).toBe(true);
  });

  it('never matches across models, nor junk, nor an unknown canonical id', () => {
    expect(gpuModelMatches('H100', 'A100-80GB')).toBe(false);
    expect(gpuModelMatches('A10', 'A10G')).toBe(false);
    expect(gpuModelMatches('A10G', 'A10')).toBe(false);
    expect(gpuModelMatches('A10', 'A100-40GB')).toBe(false);
    expect(gpuModelMatches('L4', 'L40S')).toBe(false);
    expect(gpuModelMatches('L40', 'L40S')).toBe(false);
    expect(gpuModelMatches('V100', 'A100-40GB')).toBe(false);
    expect(gpuModelMatches('GH200', 'H200-141GB')).toBe(false);
    expect(gpuModelMatches('junk', 'A100-80GB')).toBe(false);
    expect(gpuModelMatches('', 'A100-80GB')).toBe(false);
    expect(gpuModelMatches('A100', 'A100')).toBe(false);
    expect(gpuModelMatches('A100', 'NOT-A-MODEL')).toBe(false);
  });
});
