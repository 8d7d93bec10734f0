import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The slice of RunPod's GraphQL schema the emulator serves, copied from RunPod's own schema files
 * (vendor-specs/runpod/pulumi-runpod-schema.graphql, and pulumi-runpod-internal-schema.graphql for
 * what only it has: podRentInterruptable, User.pods, Pod.runtime / machine). Every type, field,
 * argument and nullability here is the vendor's; `tests/emulators/runpod/graphql-schema.test.ts`
 * fails on any drift. Output types may leave out fields the emulator cannot answer; input types and
 * enums are complete, so a request RunPod accepts is accepted here. One extra, `Machine.podHostId`,
 * is shown by RunPod's docs (graphql-manage-pods.mdx).
 */
const SHARED_SDL = /* GraphQL */ `
  scalar DateTime
  scalar Port
  scalar Void

  enum CloudTypeEnum { SECURE COMMUNITY ALL }
  enum PodType { INTERRUPTABLE RESERVED BID BACKGROUND }
  enum PodStatus { CREATED RUNNING RESTARTING EXITED PAUSED DEAD TERMINATED }
  enum ComputeType { CPU GPU }
  enum Compliance { GDPR ISO_IEC_27001 ISO_14001 PCI_DSS HITRUST SOC_1_TYPE_2 SOC_2_TYPE_2 SOC_3_TYPE_2 ITAR FISMA_HIGH HIPAA }
  enum MachineProduct { PODCLOUD CLUSTER SERVERLESS }

  input EnvironmentVariableInput { key: String! value: String! }
  input SavingsPlanInput { planLength: String upfrontCost: Float }

  input PodFindAndDeployOnDemandInput {
    aiApiId: String
    cloudType: CloudTypeEnum
    containerDiskInGb: Int
    containerRegistryAuthId: String
    countryCode: String
    deployCost: Float
    dockerArgs: String
    env: [EnvironmentVariableInput]
    gpuCount: Int
    gpuTypeId: String
    gpuTypeIdList: [String]
    imageName: String
    minDisk: Int
    minDownload: Int
    minMemoryInGb: Int
    minUpload: Int
    minVcpuCount: Int
    name: String
    networkVolumeId: String
    port: Port
    ports: String
    startJupyter: Boolean
    startSsh: Boolean
    stopAfter: DateTime
    supportPublicIp: Boolean
    templateId: String
    terminateAfter: DateTime
    volumeInGb: Int
    volumeKey: String
    volumeMountPath: String
    dataCenterId: String
    savingsPlan: SavingsPlanInput
    cudaVersion: String
    allowedCudaVersions: [String]
    minCudaVersion: String
    instanceIds: [String]
    computeType: ComputeType
    globalNetwork: Boolean
    ideAiApiId: String
    modelReferences: [String]
  }

  input PodTerminateInput { podId: String! }
  input PodFilter { podId: String! }
  input GpuTypeFilter { id: String ids: [String!] cluster: Boolean }

  input GpuLowestPriceInput {
    gpuCount: Int!
    countryCode: String
    dataCenterId: String
    includeAiApi: Boolean
    minDisk: Int
    minDownload: Int
    minMemoryInGb: Int
    minUpload: Int
    minVcpuCount: Int
    secureCloud: Boolean
    supportPublicIp: Boolean
    totalDisk: Int
    cudaVersion: String
    allowedCudaVersions: [String]
    minCudaVersion: String
    compliance: [Compliance]
    isCluster: Boolean
    podCount: Int
    throughput: Int
    globalNetwork: Boolean
    machineProducts: [MachineProduct]
  }

  type Machine { id: String! gpuDisplayName: String podHostId: String }
  type RuntimePort { privatePort: Int! publicPort: Int ip: String type: String isIpPublic: Boolean! }
  type PodRuntime { podId: String! machineId: String! gpuCount: Int! uptimeInSeconds: Int! ports: [RuntimePort] }

  type Pod {
    id: String!
    name: String!
    machineId: String!
    imageName: String
    dockerArgs: String
    gpuCount: Int!
    containerDiskInGb: Int
    volumeInGb: Float
    volumeMountPath: String
    desiredStatus: PodStatus!
    costPerHr: Float!
    env: [String]
    ports: String
    networkVolumeId: String
    podType: PodType
    lastStatusChange: String
    uptimeSeconds: Int
    runtime: PodRuntime
    machine: Machine
  }

  type LowestPrice {
    gpuTypeId: String
    minimumBidPrice: Float
    uninterruptablePrice: Float
    stockStatus: String
    availableGpuCounts: [Int]
  }

  type GpuType {
    id: String
    displayName: String
    manufacturer: String
    memoryInGb: Int
    secureCloud: Boolean
    communityCloud: Boolean
    securePrice: Float
    communityPrice: Float
    communitySpotPrice: Float
    secureSpotPrice: Float
    maxGpuCount: Int
    maxGpuCountCommunityCloud: Int
    maxGpuCountSecureCloud: Int
    lowestPrice(input: GpuLowestPriceInput): LowestPrice
  }

  type NetworkVolume { id: String name: String size: Int dataCenterId: String }

  type User { id: String! pods: [Pod] networkVolumes: [NetworkVolume] }

  type Query {
    myself: User
    pod(input: PodFilter): Pod
    gpuTypes(input: GpuTypeFilter): [GpuType]
  }
`;

/** Interruptable (spot) rentals: the part of the schema RunPod is withdrawing. */
const INTERRUPTABLE_SDL = /* GraphQL */ `
  input PodRentInterruptableInput {
    name: String
    gpuTypeId: String
    gpuCount: Int
    cloudType: CloudTypeEnum
    imageName: String
    dockerArgs: String
    env: [EnvironmentVariableInput]
    ports: String
    port: Port
    volumeInGb: Int
    volumeKey: String
    volumeMountPath: String
    containerDiskInGb: Int
    templateId: String
    networkVolumeId: String
    containerRegistryAuthId: String
    startJupyter: Boolean
    startSsh: Boolean
    minVcpuCount: Int
    minMemoryInGb: Int
    minDisk: Int
    minDownload: Int
    minUpload: Int
    supportPublicIp: Boolean
    dataCenterId: String
    countryCode: String
    bidPerGpu: Float
    stopAfter: String
    terminateAfter: String
    cudaVersion: String
    allowedCudaVersions: [String]
  }
`;

const MUTATION = (interruptable: boolean) => /* GraphQL */ `
  type Mutation {
    ${interruptable ? 'podRentInterruptable(input: PodRentInterruptableInput!): Pod' : ''}
    podFindAndDeployOnDemand(input: PodFindAndDeployOnDemandInput): Pod
    podTerminate(input: PodTerminateInput!): Void
  }
`;

/** The SDL served; without interruptable rentals once RunPod has removed them (`interruptable: 'removed'`). */
export function runPodGraphqlSdl(options: { interruptable: boolean } = { interruptable: true }): string {
  return `${SHARED_SDL}${options.interruptable ? INTERRUPTABLE_SDL : ''}${MUTATION(options.interruptable)}`;
}

export function runPodGraphqlSchema(options: { interruptable: boolean } = { interruptable: true }): GraphQLSchema {
  return buildSchema(runPodGraphqlSdl(options));
}
