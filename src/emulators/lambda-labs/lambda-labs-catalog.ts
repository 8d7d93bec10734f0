/** A wire `InstanceType` (OpenAPI `components.schemas.InstanceType`). */
export interface WireInstanceType {
  name: string;
  description: string;
  gpu_description: string;
  price_cents_per_hour: number;
  specs: { vcpus: number; memory_gib: number; storage_gib: number; gpus: number };
}

const type = (name: string, description: string, gpu: string, cents: number, vcpus: number, memory: number, storage: number, gpus: number): WireInstanceType => ({
  name,
  description,
  gpu_description: gpu,
  price_cents_per_hour: cents,
  specs: { vcpus, memory_gib: memory, storage_gib: storage, gpus },
});

/** A slice of Lambda's real catalog (values from the recorded instance-types answer in vendor-specs/lambda/examples). */
export const EMULATED_INSTANCE_TYPES: readonly WireInstanceType[] = [
  type('gpu_1x_a10', '1x A10 (24 GB PCIe)', 'A10 (24 GB PCIe)', 75, 30, 200, 1400, 1),
  type('gpu_1x_a100_sxm4', '1x A100 (40 GB SXM4)', 'A100 (40 GB SXM4)', 129, 30, 200, 512, 1),
  type('gpu_8x_a100', '8x A100 (40 GB SXM4)', 'A100 (40 GB SXM4)', 1032, 124, 1800, 6144, 8),
  type('gpu_1x_h100_pcie', '1x H100 (80 GB PCIe)', 'H100 (80 GB PCIe)', 249, 26, 200, 1024, 1),
  type('gpu_8x_h100_sxm5', '8x H100 (80 GB SXM5)', 'H100 (80 GB SXM5)', 2392, 208, 1800, 22528, 8),
  type('cpu_4x_general', '4x CPU General (16 GiB)', 'N/A', 20, 4, 16, 100, 0),
];

/** Descriptions of the spec's `PublicRegionCode` values, as Lambda writes them. */
export const REGION_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'europe-central-1': 'Germany',
  'asia-south-1': 'India',
  'australia-east-1': 'Australia',
  'me-west-1': 'Israel',
  'asia-northeast-1': 'Osaka, Japan',
  'asia-northeast-2': 'Tokyo, Japan',
  'us-east-1': 'Virginia, USA',
  'us-west-2': 'Arizona, USA',
  'us-west-1': 'California, USA',
  'us-south-1': 'Texas, USA',
  'us-west-3': 'Utah, USA',
  'us-midwest-1': 'Illinois, USA',
  'us-east-2': 'Washington DC, USA',
  'us-south-2': 'North Texas, USA',
  'us-south-3': 'Central Texas, USA',
  'us-east-3': 'Virginia, USA',
  'us-midwest-2': 'Ohio, USA',
};

export function regionOf(name: string): { name: string; description: string } {
  return { name, description: REGION_DESCRIPTIONS[name] ?? name };
}
