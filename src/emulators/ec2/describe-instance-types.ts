import { EC2_INSTANCE_TYPES, type Ec2Gpu, type Ec2InstanceTypeInfo } from './ec2-catalog.js';
import { dryRunSucceeded, invalidParameterValue } from './ec2-error.js';
import { type FilterValues, matchesFilters, parseFilters } from './ec2-filters.js';
import type { Ec2Operation } from './ec2-operation.js';
import { itemList, scalarItemList } from './ec2-xml.js';
import { paginate } from './pagination.js';
import { type XmlElement, el } from './xml-renderer.js';

export const describeInstanceTypes: Ec2Operation = ({ params, region }) => {
  const requested = params.strings('InstanceType');
  const unknown = requested.filter((type) => !EC2_INSTANCE_TYPES.some((info) => info.instanceType === type));
  if (unknown.length > 0) throw invalidParameterValue(`The following supplied instance types do not exist: [${unknown.join(', ')}]`);
  const filters = parseFilters(params);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const indexed = EC2_INSTANCE_TYPES.map((info, index) => ({ info, seq: index + 1 }))
    .filter(({ info }) => requested.length === 0 || requested.includes(info.instanceType))
    .filter(({ info }) => matchesFilters(filters, instanceTypeFilterValues(info)));
  const listing = `DescribeInstanceTypes|${region.name}|${params.fingerprint(['Action', 'Version', 'MaxResults', 'NextToken', 'DryRun'])}`;
  const page = paginate(indexed, (entry) => entry.seq, { maxResults: params.integer('MaxResults'), nextToken: params.string('NextToken') }, listing, {
    min: 5,
    max: 100,
  });
  return [...itemList('instanceTypeSet', page.items.map(({ info }) => instanceTypeXml(info))), ...el('nextToken', page.nextToken)];
};

function instanceTypeFilterValues(info: Ec2InstanceTypeInfo): FilterValues {
  return (name) => {
    switch (name) {
      case 'instance-type':
        return [info.instanceType];
      case 'current-generation':
        return ['true'];
      case 'bare-metal':
        return [String(info.bareMetal === true)];
      case 'processor-info.supported-architecture':
        return [info.architecture];
      case 'supported-usage-class':
        return info.usageClasses;
      case 'vcpu-info.default-vcpus':
        return [String(info.vcpus)];
      case 'memory-info.size-in-mib':
        return [String(info.memoryMiB)];
      case 'burstable-performance-supported':
        return [String(info.burstable)];
      case 'gpu-info.total-gpu-memory-in-mib':
        return info.gpu === undefined ? [] : [String(totalGpuMemoryMiB(info.gpu))];
      default:
        return undefined;
    }
  };
}

/** A fractional GPU reports Count 0, so the total is the slices' memory, not count × memory. */
function totalGpuMemoryMiB(gpu: Ec2Gpu): number {
  return gpu.count === 0 ? gpu.memoryMiB * (gpu.logicalCount ?? 1) : gpu.count * gpu.memoryMiB;
}

function instanceTypeXml(info: Ec2InstanceTypeInfo): XmlElement[] {
  const { gpu, neuron } = info;
  return [
    ...el('instanceType', info.instanceType),
    ...el('currentGeneration', true),
    ...el('freeTierEligible', info.instanceType === 't3.micro'),
    ...scalarItemList('supportedUsageClasses', info.usageClasses),
    ...scalarItemList('supportedRootDeviceTypes', ['ebs']),
    ...scalarItemList('supportedVirtualizationTypes', ['hvm']),
    ...el('bareMetal', info.bareMetal === true),
    // A bare-metal type runs on no hypervisor, so EC2 leaves the field out.
    ...(info.bareMetal === true ? [] : el('hypervisor', 'nitro')),
    ...el('processorInfo', [
      ...scalarItemList('supportedArchitectures', [info.architecture]),
      ...el('sustainedClockSpeedInGhz', info.clockGhz),
      ...el('manufacturer', info.cpuManufacturer),
    ]),
    ...el('vCpuInfo', [
      ...el('defaultVCpus', info.vcpus),
      ...el('defaultCores', info.cores),
      ...el('defaultThreadsPerCore', info.vcpus / info.cores),
    ]),
    ...el('memoryInfo', el('sizeInMiB', info.memoryMiB)),
    ...el('instanceStorageSupported', false),
    ...(gpu === undefined
      ? []
      : el('gpuInfo', [
          ...itemList('gpus', [
            [
              ...el('name', gpu.name),
              ...el('manufacturer', gpu.manufacturer),
              ...el('count', gpu.count),
              ...el('logicalGpuCount', gpu.logicalCount),
              ...el('gpuPartitionSize', gpu.partitionSize),
              ...el('memoryInfo', el('sizeInMiB', gpu.memoryMiB)),
            ],
          ]),
          ...el('totalGpuMemoryInMiB', totalGpuMemoryMiB(gpu)),
        ])),
    ...(neuron === undefined
      ? []
      : el('neuronInfo', [
          ...itemList('neuronDevices', [
            [
              ...el('count', neuron.count),
              ...el('name', neuron.name),
              ...el('coreInfo', [...el('count', neuron.coreCount), ...el('version', 2)]),
              ...el('memoryInfo', el('sizeInMiB', neuron.memoryMiB)),
            ],
          ]),
          ...el('totalNeuronDeviceMemoryInMiB', neuron.count * neuron.memoryMiB),
        ])),
    ...el('burstablePerformanceSupported', info.burstable),
    ...el('supportedInRegion', true),
  ];
}
