import type { GpuShape, InstanceTypeOffering } from '../contracts/index.js';
import { GPU_TABLE, type GpuMatchRule, type GpuTableRow, type GpuVendor } from './gpu-table.js';

export { GPU_TABLE, GPU_VENDORS, type GpuSource, type GpuTableRow, type GpuVendor } from './gpu-table.js';

/**
 * How far a reported memory may sit from a row's nominal memory, relative to it. Vendors round
 * differently: EC2 reports MiB that Hangar divides by 1024 (an L4 is 22 888 MiB = 22.4 GiB of a
 * nominal 24 GB, an L40S 44.7 GiB of 48, a T4 15 GiB of 16), others write the spec sheet's GB.
 */
export const GPU_MEMORY_TOLERANCE = 0.1;

/** A catalog GPU in the shared vocabulary. */
export interface NormalizedGpu {
  /** Canonical id (`A100-80GB`). */
  readonly model: string;
  /** What a request may name to mean any memory variant (`A100`). */
  readonly family: string;
  readonly vendor: GpuVendor;
  readonly count: number;
  /** As the provider reported it: per GPU, or per slice for a fractional GPU. */
  readonly memoryGiB: number;
  /** A fractional GPU's share of one physical GPU. */
  readonly fraction?: number;
  /** The model name exactly as the provider reported it. */
  readonly raw: string;
}

export interface UnmappedGpu {
  readonly instanceType: string;
  readonly gpu: GpuShape;
}

/** A model's facts, without its match rules. */
export type GpuModelInfo = Pick<GpuTableRow, 'id' | 'family' | 'vendor' | 'architecture' | 'memoryGiB'>;

/**
 * Words that say nothing about which GPU it is: makers and brands, and form factors and memory kinds
 * (the same chip in another package is the same model here). Dropped from a name before matching.
 */
const DROPPED_WORDS = new Set([
  'nvidia',
  'amd',
  'ati',
  'habana',
  'intel',
  'aws',
  'amazon',
  'geforce',
  'tesla',
  'instinct',
  'gpu',
  'gpus',
  'generation',
  'tensor',
  'core',
  'pcie',
  'sxm',
  'sxm2',
  'sxm3',
  'sxm4',
  'sxm5',
  'sxm6',
  'oam',
  'fhhl',
  'sff',
  'nvlink',
  'hbm',
  'hbm2',
  'hbm2e',
  'hbm3',
  'hbm3e',
  'gddr6',
  'gddr6x',
  'gddr7',
]);

/** A memory size written in a name: `80GB`, `80 GB`, `16GiB` (not the `G` of `A10G`). */
const WRITTEN_MEMORY = /(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*gi?b(?![a-z0-9])/g;

/** A name reduced for matching (see gpu-table.ts): the key, and any memory sizes written in it, GiB. */
export interface GpuNameKey {
  readonly key: string;
  readonly writtenMemoryGiB: readonly number[];
}

export function gpuNameKey(name: string): GpuNameKey {
  const writtenMemoryGiB: number[] = [];
  const text = name.toLowerCase().replace(WRITTEN_MEMORY, (_match, size: string) => {
    writtenMemoryGiB.push(Number(size));
    return ' ';
  });
  const parts = text
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '' && !DROPPED_WORDS.has(word))
    .flatMap((word) => word.match(/[a-z]+|[0-9]+/g) ?? []);
  return { key: parts.join(' '), writtenMemoryGiB };
}

type Matcher = (key: string) => boolean;

function compileRule(rule: GpuMatchRule, rowId: string): Matcher {
  if (rule instanceof RegExp) return (key) => rule.test(key);
  const { key, writtenMemoryGiB } = gpuNameKey(rule);
  // A table mistake must not load quietly: a rule that reduces to nothing would match nothing (or, worse, everything).
  if (key === '' || writtenMemoryGiB.length > 0) throw new Error(`gpu-table: rule ${JSON.stringify(rule)} of ${rowId} must name a model, without a memory size`);
  return (candidate) => candidate === key;
}

interface CompiledRow {
  readonly row: GpuTableRow;
  readonly names: readonly Matcher[];
  readonly sourceNames: ReadonlyMap<string, readonly Matcher[]>;
}

const COMPILED: readonly CompiledRow[] = GPU_TABLE.map((row) => ({
  row,
  names: row.names.map((rule) => compileRule(rule, row.id)),
  sourceNames: new Map(Object.entries(row.sourceNames ?? {}).map(([source, rules]) => [source, (rules ?? []).map((rule) => compileRule(rule, row.id))])),
}));

const BY_ID = new Map(GPU_TABLE.map((row) => [row.id.toUpperCase(), row]));
const FAMILIES = new Map<string, string[]>();
for (const row of GPU_TABLE) FAMILIES.set(row.family.toUpperCase(), [...(FAMILIES.get(row.family.toUpperCase()) ?? []), row.id]);

/** Every canonical model id, in table order. */
export const GPU_MODEL_IDS: readonly string[] = GPU_TABLE.map((row) => row.id);
/** Every family name (a family of one is its model's id). */
export const GPU_FAMILIES: readonly string[] = [...new Set(GPU_TABLE.map((row) => row.family))];

export function gpuModelInfo(id: string): GpuModelInfo | null {
  const row = BY_ID.get(id.toUpperCase());
  return row === undefined ? null : { id: row.id, family: row.family, vendor: row.vendor, architecture: row.architecture, memoryGiB: row.memoryGiB };
}

/** The canonical ids of a family (`A100` → `A100-80GB`, `A100-40GB`); empty for an unknown family. */
export function gpuFamilyMembers(family: string): readonly string[] {
  return FAMILIES.get(family.toUpperCase()) ?? [];
}

/** Relative distance of a memory from a row's nominal memory. */
const memoryDistance = (row: GpuTableRow, memoryGiB: number): number => Math.abs(memoryGiB / row.memoryGiB - 1);

/** Rows whose rules match the key: every source's `names`, plus `source`'s own spellings. */
function candidates(key: string, source: string | null): GpuTableRow[] {
  return COMPILED.filter(
    ({ names, sourceNames }) => names.some((match) => match(key)) || (source !== null && (sourceNames.get(source) ?? []).some((match) => match(key))),
  ).map(({ row }) => row);
}

/** The row that fits every memory (the first one decides between rows that do), or null when none fits. */
function byMemory(rows: readonly GpuTableRow[], memories: readonly number[]): GpuTableRow | null {
  const [decisive] = memories;
  if (decisive === undefined) return null;
  const fitting = rows.filter((row) => memories.every((memory) => Number.isFinite(memory) && memoryDistance(row, memory) <= GPU_MEMORY_TOLERANCE));
  return fitting.reduce<GpuTableRow | null>((best, row) => (best === null || memoryDistance(row, decisive) < memoryDistance(best, decisive) ? row : best), null);
}

/**
 * A provider's GPU in the vocabulary: the spelling picks the candidate rows, the memory (per physical
 * GPU: a slice's memory divided by its fraction) picks among them and must fit the one picked.
 * Null when no row matches: the GPU is unmapped (see `findUnmappedGpus`), never guessed.
 */
export function normalizeGpu(provider: string, gpu: GpuShape): NormalizedGpu | null {
  const { key, writtenMemoryGiB } = gpuNameKey(gpu.model);
  if (key === '') return null;
  const physicalGiB = gpu.memoryGiB / (gpu.fraction ?? 1);
  const row = byMemory(candidates(key, provider), [physicalGiB, ...writtenMemoryGiB]);
  if (row === null) return null;
  return {
    model: row.id,
    family: row.family,
    vendor: row.vendor,
    count: gpu.count,
    memoryGiB: gpu.memoryGiB,
    ...(gpu.fraction !== undefined && { fraction: gpu.fraction }),
    raw: gpu.model,
  };
}

/**
 * What a user typed (`h100`, `A100 80GB`, `nvidia a100-sxm4-80gb`, `rtx 4090`, `4090`) as a canonical
 * id, or as a family when the spelling names a chip but not which memory (`a100` → `A100`, which
 * `gpuModelMatches` takes as either variant). Null for anything else, an ambiguous spelling included:
 * a request must not be read as a GPU it did not mean.
 */
export function parseGpuModel(input: string): string | null {
  if (typeof input !== 'string') return null;
  const text = input.trim();
  if (text === '' || text.length > 100) return null;
  const upper = text.toUpperCase();
  const exact = BY_ID.get(upper);
  if (exact !== undefined) return exact.id;
  if (FAMILIES.has(upper)) return GPU_TABLE.find((row) => row.family.toUpperCase() === upper)?.family ?? null;
  const { key, writtenMemoryGiB } = gpuNameKey(text);
  if (key === '') return null;
  const rows = candidates(key, null);
  if (writtenMemoryGiB.length > 0) return byMemory(rows, writtenMemoryGiB)?.id ?? null;
  const [only] = rows;
  if (only === undefined) return null;
  if (rows.length === 1) return only.id;
  return rows.every((row) => row.family === only.family) ? only.family : null;
}

/** Whether a catalog GPU (`canonical`, an id) satisfies a request naming an id, a family or any spelling `parseGpuModel` reads. */
export function gpuModelMatches(requested: string, canonical: string): boolean {
  const wanted = parseGpuModel(requested);
  const row = BY_ID.get(canonical.toUpperCase());
  if (wanted === null || row === undefined) return false;
  return wanted === row.id || wanted === row.family;
}

/** The catalog entries whose GPU the vocabulary cannot place: for health, reports and the tests that keep the table complete. */
export function findUnmappedGpus(provider: string, offerings: readonly InstanceTypeOffering[]): UnmappedGpu[] {
  return offerings.flatMap((offering) =>
    offering.gpu !== null && normalizeGpu(provider, offering.gpu) === null ? [{ instanceType: offering.name, gpu: offering.gpu }] : [],
  );
}
