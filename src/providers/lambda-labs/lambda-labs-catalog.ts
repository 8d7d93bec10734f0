import type { GpuShape, InstanceTypeOffering } from '../../contracts/index.js';
import type { LambdaInstanceType, LambdaInstanceTypes } from './lambda-labs-wire.js';

/**
 * The instance-types answer, kept for a short while: it is both the catalog and the capacity map
 * (`regions_with_capacity_available`) a launch is checked against, so the scarce launch budget is
 * not spent on a region that has nothing. Concurrent readers share one request.
 */
export class InstanceTypesCache {
  private value: { types: LambdaInstanceTypes; fetchedAt: number } | null = null;
  private inFlight: Promise<LambdaInstanceTypes> | null = null;

  constructor(
    private readonly fetchTypes: () => Promise<LambdaInstanceTypes>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(maxAgeMs: number): Promise<LambdaInstanceTypes> {
    if (this.value !== null && this.now() - this.value.fetchedAt < maxAgeMs) return this.value.types;
    if (this.inFlight === null) {
      this.inFlight = this.fetchTypes()
        .then((types) => {
          this.value = { types, fetchedAt: this.now() };
          return types;
        })
        .finally(() => {
          this.inFlight = null;
        });
    }
    return this.inFlight;
  }

  /** After a launch (capacity changed) or a capacity refusal, the next check asks again. */
  invalidate(): void {
    this.value = null;
  }
}

const GPU_DESCRIPTION = /^(.+?)\s*\((\d+(?:\.\d+)?)\s*GB\b/;

/** `"H100 (80 GB SXM5)"` with 8 GPUs as `{model: 'H100', count: 8, memoryGiB: 80}`; null for CPU types or an unreadable description. */
export function gpuShapeOf(type: LambdaInstanceType): GpuShape | null {
  if (type.specs.gpus <= 0) return null;
  const match = GPU_DESCRIPTION.exec(type.gpu_description);
  if (match?.[1] === undefined || match[2] === undefined) return null;
  return { model: match[1], count: type.specs.gpus, memoryGiB: Number(match[2]) };
}

/**
 * The catalog. Lambda says where a type has capacity now, not where it is sold, so every type is
 * offered in every region Hangar is configured for; a spawn where Lambda has no capacity is a
 * CAPACITY_ERROR (retryable, placement moves on), not an invalid spec.
 */
export function lambdaOfferings(types: LambdaInstanceTypes, regions: readonly string[]): InstanceTypeOffering[] {
  return Object.values(types)
    .map(({ instance_type: type, regions_with_capacity_available: available }): InstanceTypeOffering => {
      const gpu = gpuShapeOf(type);
      const warnings: string[] = [];
      if (type.specs.gpus > 0 && gpu === null) warnings.push(`GPU memory unreadable from "${type.gpu_description}"`);
      const withCapacity = available.map((region) => region.name).filter((name) => regions.includes(name));
      warnings.push(withCapacity.length === 0 ? 'no configured region has capacity right now' : `capacity right now in ${withCapacity.join(', ')}`);
      return {
        name: type.name,
        vcpus: Math.max(1, type.specs.vcpus),
        memoryGiB: Math.max(1, type.specs.memory_gib),
        gpu,
        regions: regions.map((region) => ({ region, zones: [] })),
        pricePerHour: type.price_cents_per_hour / 100,
        spotPricePerHour: null,
        warnings,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
