import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The slice of RunPod's GraphQL schema Hangar uses. The official SDL (graphql-spec.runpod.io) is
 * not in the vendor specs, so names come from runpod-graphql-operations.md (the official SDK and
 * docs); argument nullability is the emulator's assumption. Executing requests against it makes a
 * malformed query fail the way a real GraphQL server fails it.
 */
export const RUNPOD_GRAPHQL_SDL = /* GraphQL */ `
  enum CloudTypeEnum { ALL SECURE COMMUNITY }
  enum PodType { INTERRUPTABLE RESERVED }

  input EnvironmentVariableInput { key: String! value: String! }

  input PodRentInterruptableInput {
    name: String
    imageName: String!
    gpuTypeId: String!
    bidPerGpu: Float!
    gpuCount: Int
    cloudType: CloudTypeEnum
    dataCenterId: String
    countryCode: String
    containerDiskInGb: Int
    volumeInGb: Int
    volumeMountPath: String
    networkVolumeId: String
    dockerArgs: String
    ports: String
    env: [EnvironmentVariableInput]
    startSsh: Boolean
    startJupyter: Boolean
    supportPublicIp: Boolean
    minMemoryInGb: Int
    minVcpuCount: Int
    minDownload: Int
    minUpload: Int
    terminateAfter: String
    stopAfter: String
    templateId: String
    volumeKey: String
    cudaVersion: String
    allowedCudaVersions: [String]
  }

  input PodFindAndDeployOnDemandInput {
    name: String
    imageName: String!
    gpuTypeId: String!
    gpuCount: Int
    cloudType: CloudTypeEnum
    dataCenterId: String
    containerDiskInGb: Int
    volumeInGb: Int
    volumeMountPath: String
    networkVolumeId: String
    dockerArgs: String
    ports: String
    env: [EnvironmentVariableInput]
    startSsh: Boolean
    supportPublicIp: Boolean
    minMemoryInGb: Int
    minVcpuCount: Int
    templateId: String
    allowedCudaVersions: [String]
  }

  input PodFilter { podId: String! }
  input PodTerminateInput { podId: String! }
  input PodStopInput { podId: String! }
  input PodResumeInput { podId: String! gpuCount: Int }
  input GpuTypeFilter { id: String }
  input GpuLowestPriceInput { gpuCount: Int secureCloud: Boolean }

  type Machine { podHostId: String gpuDisplayName: String }
  type PodRuntime { uptimeInSeconds: Int }

  type Pod {
    id: String!
    name: String
    desiredStatus: String!
    imageName: String
    env: [String]
    machineId: String
    machine: Machine
    podType: PodType
    costPerHr: Float
    gpuCount: Int
    dockerArgs: String
    containerDiskInGb: Int
    volumeInGb: Int
    volumeMountPath: String
    networkVolumeId: String
    dataCenterId: String
    lastStatusChange: String
    uptimeSeconds: Int
    runtime: PodRuntime
  }

  type LowestPrice {
    minimumBidPrice: Float
    uninterruptablePrice: Float
    stockStatus: String
    availableGpuCounts: [Int]
  }

  type GpuType {
    id: String!
    displayName: String
    manufacturer: String
    memoryInGb: Int
    maxGpuCount: Int
    secureCloud: Boolean
    communityCloud: Boolean
    securePrice: Float
    communityPrice: Float
    secureSpotPrice: Float
    communitySpotPrice: Float
    lowestPrice(input: GpuLowestPriceInput): LowestPrice
  }

  type NetworkVolume { id: String! name: String dataCenterId: String size: Int }

  type User { id: String! pods: [Pod!]! networkVolumes: [NetworkVolume!]! }

  type Query {
    myself: User
    pod(input: PodFilter!): Pod
    gpuTypes(input: GpuTypeFilter): [GpuType!]!
  }

  type Mutation {
    podRentInterruptable(input: PodRentInterruptableInput!): Pod
    podFindAndDeployOnDemand(input: PodFindAndDeployOnDemandInput!): Pod
    podTerminate(input: PodTerminateInput!): Boolean
    podStop(input: PodStopInput!): Pod
    podResume(input: PodResumeInput!): Pod
  }
`;

export function runPodGraphqlSchema(): GraphQLSchema {
  return buildSchema(RUNPOD_GRAPHQL_SDL);
}
