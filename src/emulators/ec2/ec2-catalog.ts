/**
 * The instance types this emulator sells, with the fields DescribeInstanceTypes reports, shaped like
 * the real catalog's entries, awkward ones included: fractional GPUs (g6f / gr6f report `Count: 0`
 * with `GpuPartitionSize` and `LogicalGpuCount`, confirmed by AWS as intended in aws-cli issue 9659),
 * non-NVIDIA accelerators (AMD Radeon, Habana Gaudi), accelerated types without `GpuInfo` (Inferentia),
 * bare metal, and a type offered in only some zones of a region.
 */
export interface Ec2Gpu {
  readonly name: string;
  readonly manufacturer: string;
  /** Whole GPUs; 0 for a fractional GPU, which the real catalog reports this way. */
  readonly count: number;
  /** Memory per GPU (per slice for a fractional GPU). */
  readonly memoryMiB: number;
  /** A fractional GPU's share of one physical GPU (EC2's GpuPartitionSize). */
  readonly partitionSize?: number;
  /** How many GPU devices the machine sees (EC2's LogicalGpuCount); only fractional types report it. */
  readonly logicalCount?: number;
}

export interface Ec2InstanceTypeInfo {
  readonly instanceType: string;
  readonly vcpus: number;
  readonly cores: number;
  readonly memoryMiB: number;
  readonly architecture: 'x86_64' | 'arm64';
  readonly clockGhz: number;
  readonly cpuManufacturer: string;
  readonly usageClasses: readonly string[];
  readonly burstable: boolean;
  readonly gpu?: Ec2Gpu;
  /** An accelerator DescribeInstanceTypes reports outside GpuInfo (Inferentia and Trainium: NeuronInfo). */
  readonly neuron?: { readonly name: string; readonly count: number; readonly coreCount: number; readonly memoryMiB: number };
  readonly bareMetal?: boolean;
  /** The zones (by last letter) that offer the type; absent = every zone of every region. */
  readonly zoneLetters?: readonly string[];
  /** USD/hour, Linux, us-east-1 list price: the anchor for seeded spot prices. */
  readonly onDemandUsdPerHour: number;
}

export const EC2_INSTANCE_TYPES: readonly Ec2InstanceTypeInfo[] = [
  {
    instanceType: 't3.micro',
    vcpus: 2,
    cores: 1,
    memoryMiB: 1024,
    architecture: 'x86_64',
    clockGhz: 2.5,
    cpuManufacturer: 'Intel',
    usageClasses: ['on-demand', 'spot'],
    burstable: true,
    onDemandUsdPerHour: 0.0104,
  },
  {
    instanceType: 'm5.large',
    vcpus: 2,
    cores: 1,
    memoryMiB: 8192,
    architecture: 'x86_64',
    clockGhz: 3.1,
    cpuManufacturer: 'Intel',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    onDemandUsdPerHour: 0.096,
  },
  {
    instanceType: 'g5.xlarge',
    vcpus: 4,
    cores: 2,
    memoryMiB: 16384,
    architecture: 'x86_64',
    clockGhz: 3.3,
    cpuManufacturer: 'AMD',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    gpu: { name: 'A10G', manufacturer: 'NVIDIA', count: 1, memoryMiB: 24576 },
    onDemandUsdPerHour: 1.006,
  },
  {
    instanceType: 'g6.xlarge',
    vcpus: 4,
    cores: 2,
    memoryMiB: 16384,
    architecture: 'x86_64',
    clockGhz: 3.4,
    cpuManufacturer: 'AMD',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    gpu: { name: 'L4', manufacturer: 'NVIDIA', count: 1, memoryMiB: 22888 },
    onDemandUsdPerHour: 0.8048,
  },
  {
    instanceType: 'p4d.24xlarge',
    vcpus: 96,
    cores: 48,
    memoryMiB: 1179648,
    architecture: 'x86_64',
    clockGhz: 3.0,
    cpuManufacturer: 'Intel',
    usageClasses: ['on-demand', 'spot', 'capacity-block'],
    burstable: false,
    gpu: { name: 'A100', manufacturer: 'NVIDIA', count: 8, memoryMiB: 40960 },
    onDemandUsdPerHour: 32.7726,
  },
  {
    instanceType: 'p5.48xlarge',
    vcpus: 192,
    cores: 96,
    memoryMiB: 2097152,
    architecture: 'x86_64',
    clockGhz: 3.6,
    cpuManufacturer: 'AMD',
    usageClasses: ['on-demand', 'spot', 'capacity-block'],
    burstable: false,
    gpu: { name: 'H100', manufacturer: 'NVIDIA', count: 8, memoryMiB: 81920 },
    onDemandUsdPerHour: 98.32,
  },
  {
    // Fractional GPU: one eighth of an L4. The real answer: Count 0, GpuPartitionSize 0.125, LogicalGpuCount 1.
    instanceType: 'g6f.large',
    vcpus: 2,
    cores: 1,
    memoryMiB: 8192,
    architecture: 'x86_64',
    clockGhz: 3.4,
    cpuManufacturer: 'AMD',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    gpu: { name: 'L4', manufacturer: 'NVIDIA', count: 0, memoryMiB: 2861, partitionSize: 0.125, logicalCount: 1 },
    onDemandUsdPerHour: 0.2024,
  },
  {
    instanceType: 'g6f.2xlarge',
    vcpus: 8,
    cores: 4,
    memoryMiB: 32768,
    architecture: 'x86_64',
    clockGhz: 3.4,
    cpuManufacturer: 'AMD',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    gpu: { name: 'L4', manufacturer: 'NVIDIA', count: 0, memoryMiB: 5722, partitionSize: 0.25, logicalCount: 1 },
    onDemandUsdPerHour: 0.4785,
  },
  {
    instanceType: 'gr6f.4xlarge',
    vcpus: 16,
    cores: 8,
    memoryMiB: 131072,
    architecture: 'x86_64',
    clockGhz: 3.4,
    cpuManufacturer: 'AMD',
    usageClasses: ['on-demand'],
    burstable: false,
    gpu: { name: 'L4', manufacturer: 'NVIDIA', count: 0, memoryMiB: 11444, partitionSize: 0.5, logicalCount: 1 },
    onDemandUsdPerHour: 1.1344,
  },
  {
    // An AMD GPU: the name is the product, not a NVIDIA model.
    instanceType: 'g4ad.xlarge',
    vcpus: 4,
    cores: 2,
    memoryMiB: 16384,
    architecture: 'x86_64',
    clockGhz: 3.0,
    cpuManufacturer: 'AMD',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    gpu: { name: 'Radeon Pro V520', manufacturer: 'AMD', count: 1, memoryMiB: 8192 },
    onDemandUsdPerHour: 0.3785,
  },
  {
    // An accelerator in GpuInfo that is not a GPU at all (Habana Gaudi), offered in only two zones.
    instanceType: 'dl1.24xlarge',
    vcpus: 96,
    cores: 48,
    memoryMiB: 786432,
    architecture: 'x86_64',
    clockGhz: 3.0,
    cpuManufacturer: 'Intel',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    gpu: { name: 'Gaudi HL-205', manufacturer: 'Habana', count: 8, memoryMiB: 32768 },
    zoneLetters: ['a', 'b'],
    onDemandUsdPerHour: 13.1088,
  },
  {
    // Accelerated, but without GpuInfo: Inferentia reports NeuronInfo instead.
    instanceType: 'inf2.xlarge',
    vcpus: 4,
    cores: 2,
    memoryMiB: 16384,
    architecture: 'x86_64',
    clockGhz: 3.6,
    cpuManufacturer: 'AMD',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    neuron: { name: 'Inferentia2', count: 1, coreCount: 2, memoryMiB: 32768 },
    onDemandUsdPerHour: 0.7582,
  },
  {
    // Bare metal: a whole host; its Price List product is not a `Shared` tenancy one.
    instanceType: 'm5.metal',
    vcpus: 96,
    cores: 48,
    memoryMiB: 393216,
    architecture: 'x86_64',
    clockGhz: 3.1,
    cpuManufacturer: 'Intel',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    bareMetal: true,
    onDemandUsdPerHour: 4.608,
  },
  {
    instanceType: 'g6e.xlarge',
    vcpus: 4,
    cores: 2,
    memoryMiB: 32768,
    architecture: 'x86_64',
    clockGhz: 3.4,
    cpuManufacturer: 'AMD',
    usageClasses: ['on-demand', 'spot'],
    burstable: false,
    gpu: { name: 'L40S', manufacturer: 'NVIDIA', count: 1, memoryMiB: 45776 },
    onDemandUsdPerHour: 1.861,
  },
  {
    instanceType: 'p4de.24xlarge',
    vcpus: 96,
    cores: 48,
    memoryMiB: 1179648,
    architecture: 'x86_64',
    clockGhz: 3.0,
    cpuManufacturer: 'Intel',
    usageClasses: ['on-demand', 'capacity-block'],
    burstable: false,
    gpu: { name: 'A100', manufacturer: 'NVIDIA', count: 8, memoryMiB: 81920 },
    zoneLetters: ['a', 'c'],
    onDemandUsdPerHour: 40.9657,
  },
];

export function findInstanceType(instanceType: string): Ec2InstanceTypeInfo | undefined {
  return EC2_INSTANCE_TYPES.find((info) => info.instanceType === instanceType);
}

/** Whether the type is offered in the zone (DescribeInstanceTypeOfferings' answer). */
export function offeredInZone(info: Ec2InstanceTypeInfo, zone: string): boolean {
  return info.zoneLetters === undefined || info.zoneLetters.includes(zone.slice(-1));
}
