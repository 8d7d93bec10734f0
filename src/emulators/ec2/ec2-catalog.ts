/** The instance types this emulator sells, with the fields DescribeInstanceTypes reports. */
export interface Ec2Gpu {
  readonly name: string;
  readonly manufacturer: string;
  readonly count: number;
  readonly memoryMiB: number;
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
];

export function findInstanceType(instanceType: string): Ec2InstanceTypeInfo | undefined {
  return EC2_INSTANCE_TYPES.find((info) => info.instanceType === instanceType);
}
