/** A data center as the emulator serves it (the v2 `DataCenter` fields it needs). */
export interface EmulatedDataCenter {
  readonly id: string;
  readonly name: string;
  readonly region: 'NORTH_AMERICA' | 'SOUTH_AMERICA' | 'EUROPE' | 'ASIA' | 'MIDDLE_EAST' | 'AFRICA' | 'OCEANIA';
  readonly globalNetwork: boolean;
  readonly networkVolumeTypes: readonly ('STANDARD' | 'HIGH_PERFORMANCE')[];
  readonly compliance: readonly string[];
}

/** A GPU type: the v2 catalog's `GpuType` plus the GraphQL spot figures (`lowestPrice.minimumBidPrice`). */
export interface EmulatedGpuType {
  readonly id: string;
  readonly name: string;
  readonly pool: string | null;
  readonly manufacturer: 'NVIDIA' | 'AMD';
  /**
   * VRAM in GB. `null` serves a real-world awkward entry: a GPU type RunPod lists before its
   * specification is filled in (`memory: null` in the v2 catalog, which the v2 document does not allow).
   */
  readonly memory: number | null;
  readonly price: { readonly secure: number; readonly community: number };
  readonly maxCount: { readonly secure: number; readonly community: number };
  /** The lowest bid per GPU per hour an interruptible pod of this type is placed at (in every data center not named below). */
  readonly minimumBid: number;
  /** Minimum bids that differ by data center: RunPod's `lowestPrice(input: {dataCenterId})` answers per data center. */
  readonly minimumBidByDataCenter?: Readonly<Record<string, number>>;
  /** Data centers that have machines with this GPU. */
  readonly dataCenters: readonly string[];
}

export const DEFAULT_RUNPOD_DATA_CENTERS: readonly EmulatedDataCenter[] = [
  { id: 'US-KS-2', name: 'US Kansas 2', region: 'NORTH_AMERICA', globalNetwork: true, networkVolumeTypes: ['STANDARD', 'HIGH_PERFORMANCE'], compliance: ['SOC_2_TYPE_2', 'ISO_IEC_27001'] },
  { id: 'US-GA-1', name: 'US Georgia 1', region: 'NORTH_AMERICA', globalNetwork: false, networkVolumeTypes: ['STANDARD'], compliance: ['SOC_2_TYPE_2'] },
  { id: 'EU-RO-1', name: 'EU Romania 1', region: 'EUROPE', globalNetwork: true, networkVolumeTypes: ['STANDARD'], compliance: ['GDPR', 'ISO_IEC_27001'] },
  { id: 'CA-MTL-1', name: 'CA Montreal 1', region: 'NORTH_AMERICA', globalNetwork: false, networkVolumeTypes: [], compliance: [] },
];

export const DEFAULT_RUNPOD_GPU_TYPES: readonly EmulatedGpuType[] = [
  {
    id: 'NVIDIA GeForce RTX 4090',
    name: 'RTX 4090',
    pool: 'ADA_24',
    manufacturer: 'NVIDIA',
    memory: 24,
    price: { secure: 0.69, community: 0.34 },
    maxCount: { secure: 8, community: 4 },
    minimumBid: 0.29,
    // Bids differ by data center: a bid at the cheapest minimum anywhere is refused in EU-RO-1.
    minimumBidByDataCenter: { 'EU-RO-1': 0.35 },
    dataCenters: ['US-KS-2', 'US-GA-1', 'EU-RO-1'],
  },
  {
    id: 'NVIDIA RTX A6000',
    name: 'RTX A6000',
    pool: 'AMPERE_48',
    manufacturer: 'NVIDIA',
    memory: 48,
    price: { secure: 0.49, community: 0.33 },
    maxCount: { secure: 8, community: 8 },
    minimumBid: 0.25,
    dataCenters: ['US-KS-2', 'EU-RO-1', 'CA-MTL-1'],
  },
  {
    id: 'NVIDIA A100 80GB PCIe',
    name: 'A100 PCIe',
    pool: 'AMPERE_80',
    manufacturer: 'NVIDIA',
    memory: 80,
    price: { secure: 1.64, community: 1.19 },
    maxCount: { secure: 8, community: 2 },
    minimumBid: 0.82,
    dataCenters: ['US-KS-2', 'EU-RO-1'],
  },
  {
    id: 'NVIDIA H100 80GB HBM3',
    name: 'H100 SXM',
    pool: 'HOPPER_141',
    manufacturer: 'NVIDIA',
    memory: 80,
    price: { secure: 2.99, community: 2.69 },
    maxCount: { secure: 8, community: 8 },
    minimumBid: 1.75,
    dataCenters: ['US-GA-1'],
  },
];
