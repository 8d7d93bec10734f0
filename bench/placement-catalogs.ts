import { SeededRandom } from '../src/chaos/seeded-random.js';
import type { GpuShape, InstanceTypeOffering } from '../src/contracts/index.js';
import type { ProviderCatalog } from '../src/placement/offer.js';
import type { CapacityBlock } from '../src/placement/offer-planner.js';
import { type Requirements, type RequirementsInput, RequirementsSchema } from '../src/placement/requirements-schema.js';

/**
 * Synthetic catalogs for the planner benchmark: four providers shaped like the real adapters'
 * output (EC2's GpuInfo names and MiB-derived memories, Lambda's `H100 (80 GB SXM5)` descriptions
 * read as `H100`, RunPod's GPU type ids at 1/2/4/8 GPUs with its 1-per-GPU vCPU and memory floors,
 * OrbStack's notional shapes), many regions and zones, on-demand and spot prices, vendor capacity
 * where the vendor publishes it. Deterministic: the same seed gives the same catalogs.
 */

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

interface Region {
  region: string;
  zones: string[];
}

const AWS_REGIONS: readonly Region[] = [
  { region: 'us-east-1', zones: ['a', 'b', 'c', 'd', 'e', 'f'] },
  { region: 'us-east-2', zones: ['a', 'b', 'c'] },
  { region: 'us-west-1', zones: ['a', 'c'] },
  { region: 'us-west-2', zones: ['a', 'b', 'c', 'd'] },
  { region: 'ca-central-1', zones: ['a', 'b', 'd'] },
  { region: 'sa-east-1', zones: ['a', 'b', 'c'] },
  { region: 'eu-west-1', zones: ['a', 'b', 'c'] },
  { region: 'eu-west-2', zones: ['a', 'b', 'c'] },
  { region: 'eu-west-3', zones: ['a', 'b', 'c'] },
  { region: 'eu-central-1', zones: ['a', 'b', 'c'] },
  { region: 'eu-north-1', zones: ['a', 'b', 'c'] },
  { region: 'ap-south-1', zones: ['a', 'b', 'c'] },
  { region: 'ap-northeast-1', zones: ['a', 'c', 'd'] },
  { region: 'ap-northeast-2', zones: ['a', 'b', 'c', 'd'] },
  { region: 'ap-southeast-1', zones: ['a', 'b', 'c'] },
  { region: 'ap-southeast-2', zones: ['a', 'b', 'c'] },
].map((region) => ({ ...region, zones: region.zones.map((letter) => `${region.region}${letter}`) }));

/** EC2 sizes: name, vCPUs. */
const SIZES: readonly [string, number][] = [
  ['large', 2],
  ['xlarge', 4],
  ['2xlarge', 8],
  ['4xlarge', 16],
  ['8xlarge', 32],
  ['12xlarge', 48],
  ['16xlarge', 64],
  ['24xlarge', 96],
  ['32xlarge', 128],
  ['48xlarge', 192],
];

/** CPU families: name, GiB per vCPU, USD per vCPU-hour in us-east-1, largest size index. */
const CPU_FAMILIES: readonly [string, number, number, number][] = [
  ['m5', 4, 0.048, 7],
  ['m5a', 4, 0.043, 7],
  ['m6i', 4, 0.048, 8],
  ['m6a', 4, 0.0432, 9],
  ['m6g', 4, 0.0385, 6],
  ['m7i', 4, 0.0504, 9],
  ['m7g', 4, 0.0408, 6],
  ['m7a', 4, 0.05796, 9],
  ['c5', 2, 0.0425, 7],
  ['c5a', 2, 0.0385, 7],
  ['c6i', 2, 0.0425, 8],
  ['c6a', 2, 0.0383, 9],
  ['c6g', 2, 0.034, 6],
  ['c7i', 2, 0.0446, 9],
  ['c7g', 2, 0.0363, 6],
  ['c7a', 2, 0.0513, 9],
  ['r5', 8, 0.063, 7],
  ['r5a', 8, 0.0565, 7],
  ['r6i', 8, 0.063, 8],
  ['r6a', 8, 0.0567, 9],
  ['r6g', 8, 0.0504, 6],
  ['r7i', 8, 0.0662, 9],
  ['r7g', 8, 0.0536, 6],
  ['r7a', 8, 0.076, 9],
  ['i4i', 8, 0.0858, 8],
  ['x2idn', 16, 0.1668, 8],
];

/** Burstable: size, vCPUs, GiB. */
const T_SIZES: readonly [string, number, number][] = [
  ['nano', 2, 0.5],
  ['micro', 2, 1],
  ['small', 2, 2],
  ['medium', 2, 4],
  ['large', 2, 8],
  ['xlarge', 4, 16],
  ['2xlarge', 8, 32],
];

/** EC2 GPU types as the EC2 adapter reads them: GpuInfo `Name`, memory as MiB / 1024. */
const AWS_GPU_TYPES: readonly { name: string; vcpus: number; memoryGiB: number; gpu: GpuShape; price: number }[] = [
  { name: 'p5.48xlarge', vcpus: 192, memoryGiB: 2048, gpu: { model: 'H100', count: 8, memoryGiB: 80 }, price: 98.32 },
  { name: 'p5.4xlarge', vcpus: 16, memoryGiB: 256, gpu: { model: 'H100', count: 1, memoryGiB: 80 }, price: 6.88 },
  { name: 'p5e.48xlarge', vcpus: 192, memoryGiB: 2048, gpu: { model: 'H200', count: 8, memoryGiB: 140.4 }, price: 113.8 },
  { name: 'p4d.24xlarge', vcpus: 96, memoryGiB: 1152, gpu: { model: 'A100', count: 8, memoryGiB: 40 }, price: 32.77 },
  { name: 'p4de.24xlarge', vcpus: 96, memoryGiB: 1152, gpu: { model: 'A100', count: 8, memoryGiB: 80 }, price: 40.96 },
  { name: 'p3.2xlarge', vcpus: 8, memoryGiB: 61, gpu: { model: 'V100', count: 1, memoryGiB: 16 }, price: 3.06 },
  { name: 'p3.8xlarge', vcpus: 32, memoryGiB: 244, gpu: { model: 'V100', count: 4, memoryGiB: 16 }, price: 12.24 },
  { name: 'p3.16xlarge', vcpus: 64, memoryGiB: 488, gpu: { model: 'V100', count: 8, memoryGiB: 16 }, price: 24.48 },
  { name: 'p3dn.24xlarge', vcpus: 96, memoryGiB: 768, gpu: { model: 'V100', count: 8, memoryGiB: 32 }, price: 31.21 },
  { name: 'g6f.large', vcpus: 2, memoryGiB: 8, gpu: { model: 'L4', count: 1, memoryGiB: 2.8, fraction: 0.125 }, price: 0.2 },
  { name: 'g6f.xlarge', vcpus: 4, memoryGiB: 16, gpu: { model: 'L4', count: 1, memoryGiB: 5.6, fraction: 0.25 }, price: 0.4 },
  { name: 'g6f.2xlarge', vcpus: 8, memoryGiB: 32, gpu: { model: 'L4', count: 1, memoryGiB: 11.2, fraction: 0.5 }, price: 0.6 },
  ...gpuFamily('g5', { model: 'A10G', memoryGiB: 22.35 }, 1.006, 4),
  ...gpuFamily('g6', { model: 'L4', memoryGiB: 22.35 }, 0.805, 4),
  ...gpuFamily('g6e', { model: 'L40S', memoryGiB: 44.7 }, 1.861, 8),
  ...gpuFamily('g4dn', { model: 'T4', memoryGiB: 15 }, 0.526, 4),
  ...gpuFamily('g4ad', { model: 'Radeon Pro V520', memoryGiB: 8 }, 0.379, 4),
];

/** g5/g6/g6e/g4dn: 1 GPU up to 16xlarge, 4 at 12x/24x, 8 at 48x. */
function gpuFamily(family: string, gpu: { model: string; memoryGiB: number }, basePrice: number, gibPerVcpu: number) {
  const shapes: [string, number, number, number][] = [
    ['xlarge', 4, 1, 1],
    ['2xlarge', 8, 1, 1.2],
    ['4xlarge', 16, 1, 1.6],
    ['8xlarge', 32, 1, 2.4],
    ['16xlarge', 64, 1, 4],
    ['12xlarge', 48, 4, 5.6],
    ['24xlarge', 96, 4, 8],
    ['48xlarge', 192, 8, 16],
  ];
  return shapes.map(([size, vcpus, count, multiple]) => ({
    name: `${family}.${size}`,
    vcpus,
    memoryGiB: vcpus * gibPerVcpu,
    gpu: { model: gpu.model, count, memoryGiB: gpu.memoryGiB },
    price: round(basePrice * multiple),
  }));
}

function awsCatalog(random: SeededRandom): InstanceTypeOffering[] {
  const offerings: InstanceTypeOffering[] = [];
  const awsOffering = (name: string, vcpus: number, memoryGiB: number, gpu: GpuShape | null, price: number, regions: readonly Region[]): InstanceTypeOffering => {
    const spotShare = 0.3 + random.next() * 0.4;
    return {
      name,
      vcpus,
      memoryGiB,
      gpu,
      // EC2 publishes no capacity: `available` stays absent (unknown).
      regions: regions.map((region) => ({ region: region.region, zones: region.zones.filter(() => random.next() < 0.85) })),
      pricePerHour: round(price),
      // A few types without a spot price (no history in the window the adapter reads).
      spotPricePerHour: random.next() < 0.05 ? null : round(price * spotShare),
      warnings: [],
    };
  };
  for (const [family, gibPerVcpu, perVcpu, largest] of CPU_FAMILIES) {
    for (const [size, vcpus] of SIZES.slice(0, largest + 1)) {
      const regions = AWS_REGIONS.filter(() => random.next() < 0.92);
      offerings.push(awsOffering(`${family}.${size}`, vcpus, vcpus * gibPerVcpu, null, vcpus * perVcpu, regions));
    }
  }
  for (const family of ['t3', 't3a', 't4g']) {
    const perGib = family === 't3' ? 0.0104 : family === 't3a' ? 0.0094 : 0.0084;
    for (const [size, vcpus, memoryGiB] of T_SIZES) offerings.push(awsOffering(`${family}.${size}`, vcpus, memoryGiB, null, memoryGiB * perGib, AWS_REGIONS));
  }
  for (const type of AWS_GPU_TYPES) {
    const regions = AWS_REGIONS.filter(() => random.next() < 0.55);
    offerings.push(awsOffering(type.name, type.vcpus, type.memoryGiB, type.gpu, type.price, regions.length > 0 ? regions : AWS_REGIONS.slice(0, 1)));
  }
  return offerings;
}

const LAMBDA_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-east-3',
  'us-west-1',
  'us-west-2',
  'us-west-3',
  'us-south-1',
  'us-south-2',
  'us-south-3',
  'us-midwest-1',
  'europe-central-1',
  'asia-south-1',
  'asia-northeast-1',
  'asia-northeast-2',
  'me-west-1',
  'australia-east-1',
];

/** Lambda types as the adapter reads them: the model is the description before `(80 GB ...)`. */
const LAMBDA_TYPES: readonly [string, string, number, number, number, number, number][] = [
  // name, GPU model, GB per GPU, GPUs, vCPUs, GiB, USD/h
  ['gpu_1x_h100_sxm5', 'H100', 80, 1, 26, 225, 3.29],
  ['gpu_2x_h100_sxm5', 'H100', 80, 2, 52, 450, 6.38],
  ['gpu_4x_h100_sxm5', 'H100', 80, 4, 104, 900, 12.36],
  ['gpu_8x_h100_sxm5', 'H100', 80, 8, 208, 1800, 23.92],
  ['gpu_1x_h100_pcie', 'H100', 80, 1, 26, 200, 2.49],
  ['gpu_1x_gh200', 'GH200', 96, 1, 64, 432, 1.49],
  ['gpu_8x_b200_sxm6', 'B200', 180, 8, 208, 2900, 39.92],
  ['gpu_1x_b200_sxm6', 'B200', 180, 1, 26, 360, 4.99],
  ['gpu_1x_a100', 'A100', 40, 1, 30, 200, 1.29],
  ['gpu_1x_a100_sxm4', 'A100', 40, 1, 30, 200, 1.29],
  ['gpu_2x_a100', 'A100', 40, 2, 60, 400, 2.58],
  ['gpu_4x_a100', 'A100', 40, 4, 120, 800, 5.16],
  ['gpu_8x_a100', 'A100', 40, 8, 124, 1800, 10.32],
  ['gpu_8x_a100_80gb_sxm4', 'A100', 80, 8, 240, 1800, 14.32],
  ['gpu_1x_a10', 'A10', 24, 1, 30, 200, 0.75],
  ['gpu_1x_a6000', 'A6000', 48, 1, 14, 100, 0.8],
  ['gpu_2x_a6000', 'A6000', 48, 2, 28, 200, 1.6],
  ['gpu_4x_a6000', 'A6000', 48, 4, 56, 400, 3.2],
  ['gpu_1x_rtx6000', 'RTX 6000', 24, 1, 14, 46, 0.5],
  ['gpu_8x_v100', 'Tesla V100', 16, 8, 88, 448, 4.4],
];

function lambdaCatalog(random: SeededRandom): InstanceTypeOffering[] {
  return LAMBDA_TYPES.map(([name, model, gpuGiB, count, vcpus, memoryGiB, price]) => ({
    name,
    vcpus,
    memoryGiB,
    gpu: { model, count, memoryGiB: gpuGiB },
    // Lambda's `regions_with_capacity_available`: most regions have none of a given type right now.
    regions: LAMBDA_REGIONS.map((region) => ({ region, zones: [], available: random.next() < 0.35 })),
    pricePerHour: price,
    spotPricePerHour: null,
    warnings: [],
  }));
}

const RUNPOD_DATA_CENTERS = [
  'US-KS-2',
  'US-KS-3',
  'US-GA-1',
  'US-GA-2',
  'US-TX-3',
  'US-TX-4',
  'US-CA-2',
  'US-IL-1',
  'US-NC-1',
  'US-DE-1',
  'US-WA-1',
  'CA-MTL-1',
  'CA-MTL-2',
  'CA-MTL-3',
  'EU-RO-1',
  'EU-SE-1',
  'EU-NL-1',
  'EU-CZ-1',
  'EU-FR-1',
  'EU-IS-1',
  'EU-NO-1',
  'AP-JP-1',
  'OC-AU-1',
  'AP-IN-1',
];

/** RunPod GPU type ids (what the v2 catalog and the API name), GB each, secure USD per GPU-hour. */
const RUNPOD_GPUS: readonly [string, number, number][] = [
  ['NVIDIA B200', 180, 5.99],
  ['NVIDIA H200', 141, 3.99],
  ['NVIDIA H100 80GB HBM3', 80, 2.69],
  ['NVIDIA H100 PCIe', 80, 2.39],
  ['NVIDIA H100 NVL', 94, 2.79],
  ['NVIDIA A100-SXM4-80GB', 80, 1.74],
  ['NVIDIA A100 80GB PCIe', 80, 1.64],
  ['NVIDIA A40', 48, 0.4],
  ['NVIDIA A30', 24, 0.35],
  ['NVIDIA L4', 24, 0.43],
  ['NVIDIA L40', 48, 0.99],
  ['NVIDIA L40S', 48, 0.86],
  ['NVIDIA RTX 6000 Ada Generation', 48, 0.77],
  ['NVIDIA RTX 5000 Ada Generation', 32, 0.76],
  ['NVIDIA RTX 4000 Ada Generation', 20, 0.26],
  ['NVIDIA RTX 2000 Ada Generation', 16, 0.24],
  ['NVIDIA RTX PRO 6000 Blackwell Server Edition', 96, 1.84],
  ['NVIDIA GeForce RTX 5090', 32, 0.94],
  ['NVIDIA GeForce RTX 4090', 24, 0.69],
  ['NVIDIA GeForce RTX 4080', 16, 0.5],
  ['NVIDIA GeForce RTX 3090', 24, 0.46],
  ['NVIDIA GeForce RTX 3090 Ti', 24, 0.5],
  ['NVIDIA RTX A6000', 48, 0.49],
  ['NVIDIA RTX A5000', 24, 0.27],
  ['NVIDIA RTX A4500', 20, 0.25],
  ['NVIDIA RTX A4000', 16, 0.25],
  ['Tesla V100-SXM2-32GB', 32, 0.39],
  ['Tesla V100-PCIE-16GB', 16, 0.29],
  ['AMD Instinct MI300X OAM', 192, 2.49],
];

function runpodCatalog(random: SeededRandom): InstanceTypeOffering[] {
  const offerings: InstanceTypeOffering[] = [];
  for (const [id, gpuGiB, perGpu] of RUNPOD_GPUS) {
    const dataCenters = RUNPOD_DATA_CENTERS.filter(() => random.next() < 0.6);
    const bid = round(perGpu * (0.45 + random.next() * 0.15));
    for (const count of [1, 2, 4, 8]) {
      offerings.push({
        name: count === 1 ? id : `${count}x ${id}`,
        // The adapter's floors: RunPod does not report a GPU pod's vCPUs or RAM.
        vcpus: count,
        memoryGiB: count,
        gpu: { model: id, count, memoryGiB: gpuGiB },
        // Stock per data center: some have none of this count now.
        regions: dataCenters.map((region) => ({ region, zones: [], available: random.next() < 0.8 })),
        pricePerHour: round(perGpu * count),
        spotPricePerHour: round(bid * count),
        warnings: [],
      });
    }
  }
  return offerings;
}

const ORBSTACK_REGIONS: readonly Region[] = [
  { region: 'local-1', zones: ['local-1a', 'local-1b', 'local-1c'] },
  { region: 'local-2', zones: ['local-2a', 'local-2b'] },
  { region: 'local-3', zones: ['local-3a', 'local-3b'] },
  { region: 'local-4', zones: ['local-4a'] },
];

const ORBSTACK_SHAPES: readonly [string, number, number, number][] = [
  ['orb.nano', 1, 0.5, 0.0042],
  ['orb.small', 1, 2, 0.0104],
  ['orb.medium', 2, 4, 0.0208],
  ['orb.large', 4, 16, 0.0832],
  ['orb.xlarge', 8, 32, 0.1664],
  ['orb.2xlarge', 16, 64, 0.3328],
  ['orb.4xlarge', 32, 128, 0.6656],
];

function orbstackCatalog(random: SeededRandom): InstanceTypeOffering[] {
  return ORBSTACK_SHAPES.map(([name, vcpus, memoryGiB, price]) => ({
    name,
    vcpus,
    memoryGiB,
    gpu: null,
    regions: ORBSTACK_REGIONS.map((region) => ({ region: region.region, zones: [...region.zones] })),
    pricePerHour: price,
    spotPricePerHour: round(price * (0.3 + random.next() * 0.2), 6),
    warnings: ['notional price'],
  }));
}

export interface SyntheticWorld {
  catalogs: ProviderCatalog[];
  capacityBlocks: CapacityBlock[];
}

/** The four catalogs (aws, lambda-labs, runpod, orbstack) and `blocks` capacity-cache entries, at `now`. */
export function syntheticWorld(seed: number, now: number, blocks: number): SyntheticWorld {
  const random = new SeededRandom(seed);
  const fetchedAt = new Date(now - 60_000).toISOString();
  const catalogs: ProviderCatalog[] = [
    { provider: 'aws', offerings: awsCatalog(random), spotSupported: true, fetchedAt },
    { provider: 'lambda-labs', offerings: lambdaCatalog(random), spotSupported: false, fetchedAt },
    { provider: 'runpod', offerings: runpodCatalog(random), spotSupported: true, fetchedAt },
    { provider: 'orbstack', offerings: orbstackCatalog(random), spotSupported: true, fetchedAt },
  ];
  return { catalogs, capacityBlocks: capacityBlocks(random, catalogs, now, blocks) };
}

/** Capacity-cache entries as the control plane keeps them: mostly active, some expired (remembered failures). */
function capacityBlocks(random: SeededRandom, catalogs: readonly ProviderCatalog[], now: number, count: number): CapacityBlock[] {
  const out: CapacityBlock[] = [];
  for (let index = 0; index < count; index += 1) {
    const catalog = random.pick(catalogs);
    const offering = random.pick(catalog.offerings);
    const region = offering.regions.length > 0 ? random.pick(offering.regions) : { region: 'nowhere', zones: [] };
    const quota = random.next() < 0.05;
    out.push({
      provider: catalog.provider,
      region: region.region,
      zone: region.zones.length > 0 && random.next() < 0.6 ? random.pick(region.zones) : null,
      instanceType: quota || random.next() < 0.1 ? null : offering.name,
      market: !catalog.spotSupported ? 'on-demand' : random.next() < 0.3 ? null : random.next() < 0.5 ? 'spot' : 'on-demand',
      code: quota ? 'QUOTA_EXCEEDED' : 'CAPACITY_ERROR',
      until: new Date(now + (random.next() < 0.75 ? random.int(1_000, 180_000) : -random.int(1_000, 3_000_000))).toISOString(),
      failures: random.int(1, 6),
    });
  }
  return out;
}

const GPU_ASKS: readonly (RequirementsInput['gpu'] & object)[] = [
  { model: 'H100' },
  { model: 'H100', count: 8 },
  { model: 'H100-80GB', count: 1 },
  { model: 'A100', count: 8 },
  { model: 'A100', minMemoryGiB: 80 },
  { model: 'nvidia a100 80gb' },
  { model: 'NVIDIA A100 80GB PCIe', count: 1 },
  { model: 'A10G', count: 1 },
  { model: 'A10G' },
  { model: 'L4' },
  { model: 'L4', count: 4 },
  { model: 'L40S', count: 1 },
  { model: 'RTX 4090' },
  { model: 'rtx 4090', count: 2 },
  { model: 'T4', count: 1 },
  { model: 'V100', count: 8 },
  { model: 'MI300X', count: 8 },
  { model: 'H200' },
  { model: 'B200', count: 8 },
  { model: 'A6000', count: 2 },
  { count: 1, minMemoryGiB: 40 },
  { minMemoryGiB: 24 },
  { count: 8 },
];

const REGION_GLOBS: readonly (string[] | undefined)[] = [
  undefined,
  undefined,
  undefined,
  ['us-*'],
  ['eu-west-?'],
  ['*'],
  ['us-east-1', 'eu-*'],
  ['US-*', 'EU-*', 'us-*'],
  ['ap-*', 'asia-*', 'AP-*'],
  ['local-?'],
];

/** `count` requirement sets over GPU models and counts, vCPU and memory ranges, budgets, spot preferences and region globs. */
export function requirementMix(seed: number, count: number): Requirements[] {
  const random = new SeededRandom(seed);
  const out: Requirements[] = [];
  for (let index = 0; index < count; index += 1) {
    const input: RequirementsInput = {};
    if (random.next() < 0.6) {
      input.gpu = random.pick(GPU_ASKS);
    } else {
      const min = random.pick([1, 2, 4, 8, 16, 32]);
      input.vcpus = random.next() < 0.5 ? { min } : { min, max: min * random.pick([1, 2, 4]) };
      if (random.next() < 0.6) input.memoryGiB = random.next() < 0.5 ? { min: min * random.pick([2, 4, 8]) } : { min: min * 2, max: min * 8 };
    }
    if (random.next() < 0.5) input.maxPricePerHour = random.pick([0.05, 0.25, 0.5, 1, 2, 5, 10, 40]);
    const spot = random.next();
    input.spot = spot < 0.5 ? 'never' : spot < 0.8 ? 'preferred' : 'required';
    const regions = REGION_GLOBS[random.int(0, REGION_GLOBS.length - 1)];
    if (regions !== undefined) input.regions = regions;
    const filter = random.next();
    if (filter < 0.1) input.providers = [random.pick(['aws', 'runpod', 'lambda-labs'])];
    else if (filter < 0.2) input.excludeProviders = ['orbstack'];
    out.push(RequirementsSchema.parse(input));
  }
  return out;
}
