import { z } from 'zod';
import { type GpuShape, type InstanceTypeOffering, readEach, type SkippedEntryLog } from '../../contracts/index.js';
import { throwIfAborted } from '../../lib/abortable-wait.js';
import { InFlight } from './in-flight.js';
import { type LambdaInstanceType, LambdaInstanceTypesItemSchema, type LambdaInstanceTypes } from './lambda-labs-wire.js';

/** The raw instance-types answer: entries by name, each read on its own (`readInstanceTypes`). */
export type RawInstanceTypes = Record<string, unknown>;
export const RawInstanceTypesSchema = z.record(z.string(), z.unknown());

/**
 * The instance-types answer, kept raw for a short while: it is both the catalog and the capacity map
 * (`regions_with_capacity_available`) a launch is checked against, so the scarce launch budget is
 * not spent on a region that has nothing. Concurrent readers share one request; a reader whose signal
 * aborts stops waiting alone (`InFlight`).
 */
export class InstanceTypesCache {
  private value: { types: RawInstanceTypes; fetchedAt: number } | null = null;
  private readonly fetch: InFlight<RawInstanceTypes>;

  constructor(
    fetchTypes: (signal: AbortSignal) => Promise<RawInstanceTypes>,
    private readonly now: () => number = Date.now,
  ) {
    this.fetch = new InFlight((signal) =>
      fetchTypes(signal).then((types) => {
        this.value = { types, fetchedAt: this.now() };
        return types;
      }),
    );
  }

  async get(maxAgeMs: number, signal?: AbortSignal): Promise<RawInstanceTypes> {
    throwIfAborted(signal);
    if (this.value !== null && this.now() - this.value.fetchedAt < maxAgeMs) return this.value.types;
    return this.fetch.run(signal);
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
  if (match?.[1] === undefined || match[2] === undefined || !(Number(match[2]) > 0)) return null;
  return { model: match[1], count: type.specs.gpus, memoryGiB: Number(match[2]) };
}

/** A catalog item Hangar can offer: the wire shape, and for a GPU type a GPU description it can read. */
const CatalogItemSchema = LambdaInstanceTypesItemSchema.superRefine((item, context) => {
  if (item.instance_type.specs.gpus > 0 && gpuShapeOf(item.instance_type) === null) {
    context.addIssue({
      code: 'custom',
      path: ['instance_type', 'gpu_description'],
      message: `GPU model and memory unreadable from ${JSON.stringify(item.instance_type.gpu_description.slice(0, 80))}`,
    });
  }
});

/**
 * The instance types Hangar can read, by name. Each entry is read on its own: one it cannot read (a
 * null field, a GPU description in a form it does not know) is left out and recorded in `log` under
 * its name, every time a read leaves it out, so the catalog's warnings and health name it.
 */
export function readInstanceTypes(raw: RawInstanceTypes, log: SkippedEntryLog | undefined): LambdaInstanceTypes {
  // One single-entry record per item, so the reason's path starts with the type's name like the full answer's would.
  const entries = Object.entries(raw).map(([name, item]) => ({ [name]: item }));
  const read = readEach(z.record(z.string(), CatalogItemSchema), entries, { kind: 'instance-type', log, idOf: (entry) => Object.keys(entry as object)[0] ?? null });
  return Object.assign({}, ...read) as LambdaInstanceTypes;
}

/**
 * The catalog. Lambda says where a type has capacity now, not where it is sold, so every type is
 * offered in every region Hangar is configured for; a spawn where Lambda has no capacity is a
 * CAPACITY_ERROR (retryable, placement moves on), not an invalid spec.
 */
export function lambdaOfferings(types: LambdaInstanceTypes, regions: readonly string[]): InstanceTypeOffering[] {
  return Object.values(types)
    .map(({ instance_type: type, regions_with_capacity_available: available }): InstanceTypeOffering => {
      const withCapacity = available.map((region) => region.name).filter((name) => regions.includes(name));
      const warnings = [withCapacity.length === 0 ? 'no configured region has capacity right now' : `capacity right now in ${withCapacity.join(', ')}`];
      return {
        name: type.name,
        vcpus: Math.max(1, type.specs.vcpus),
        memoryGiB: Math.max(1, type.specs.memory_gib),
        gpu: gpuShapeOf(type),
        // `regions_with_capacity_available` is Lambda's live word on capacity: placement ranks the others last.
        regions: regions.map((region) => ({ region, zones: [], available: withCapacity.includes(region) })),
        pricePerHour: type.price_cents_per_hour / 100,
        spotPricePerHour: null,
        warnings,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
