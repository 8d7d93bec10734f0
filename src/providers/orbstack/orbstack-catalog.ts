import type { InstanceTypeOffering } from '../../contracts/index.js';

/**
 * OrbStack machines run on the developer's Mac and cost nothing. The testing tier still gives each
 * shape a notional price (modelled on a small cloud's) so that placement and cost logic have
 * something real to sort; every offering says so in its warnings.
 */
export const NOTIONAL_PRICE_WARNING =
  'notional price: OrbStack machines cost nothing; the price models a cloud so placement can be tested';

export interface OrbStackRegion {
  readonly region: string;
  readonly zones: readonly string[];
}

export const ORBSTACK_REGIONS: readonly OrbStackRegion[] = [
  { region: 'local-1', zones: ['local-1a', 'local-1b', 'local-1c'] },
  { region: 'local-2', zones: ['local-2a', 'local-2b'] },
];

export interface OrbStackShape {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly diskGiB: number;
  readonly pricePerHour: number;
}

export const ORBSTACK_SHAPES: readonly OrbStackShape[] = [
  { name: 'orb.nano', vcpus: 1, memoryGiB: 0.5, diskGiB: 4, pricePerHour: 0.0042 },
  { name: 'orb.small', vcpus: 1, memoryGiB: 2, diskGiB: 8, pricePerHour: 0.0104 },
  { name: 'orb.medium', vcpus: 2, memoryGiB: 4, diskGiB: 16, pricePerHour: 0.0208 },
  { name: 'orb.large', vcpus: 4, memoryGiB: 16, diskGiB: 32, pricePerHour: 0.0832 },
  { name: 'orb.xlarge', vcpus: 8, memoryGiB: 32, diskGiB: 64, pricePerHour: 0.1664 },
];

/** Linux distributions OrbStack offers as machine images (`distro[:version]`). */
export const ORBSTACK_DISTROS = [
  'alma',
  'alpine',
  'arch',
  'centos',
  'debian',
  'devuan',
  'fedora',
  'gentoo',
  'kali',
  'nixos',
  'opensuse',
  'oracle',
  'rocky',
  'ubuntu',
  'void',
] as const;

export const DEFAULT_IMAGE = 'ubuntu:24.04';

export function findShape(name: string): OrbStackShape | undefined {
  return ORBSTACK_SHAPES.find((shape) => shape.name === name);
}

export function findRegion(name: string): OrbStackRegion | undefined {
  return ORBSTACK_REGIONS.find((region) => region.region === name);
}

/** `distro` or `distro:version` with a known distro. */
export function isKnownImage(image: string): boolean {
  const [distro, version, ...rest] = image.split(':');
  if (rest.length > 0 || distro === undefined) return false;
  if (version !== undefined && !/^[A-Za-z0-9._-]{1,32}$/.test(version)) return false;
  return (ORBSTACK_DISTROS as readonly string[]).includes(distro);
}

/**
 * The simulated spot price of a shape in a zone for the current hour: a deterministic 30–50% of
 * the notional on-demand price, so repeated runs see the same market.
 */
export function spotPriceAt(shape: OrbStackShape, zone: string, epochMs: number): number {
  const hour = Math.floor(epochMs / 3_600_000);
  let hash = 2166136261;
  for (const char of `${shape.name}|${zone}|${hour}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  const fraction = 0.3 + (hash % 2001) / 10_000;
  return Math.round(shape.pricePerHour * fraction * 1e6) / 1e6;
}

export function catalogOfferings(now: number): InstanceTypeOffering[] {
  return ORBSTACK_SHAPES.map((shape) => {
    const zones = ORBSTACK_REGIONS.flatMap((region) => region.zones);
    return {
      name: shape.name,
      vcpus: shape.vcpus,
      memoryGiB: shape.memoryGiB,
      gpu: null,
      regions: ORBSTACK_REGIONS.map((region) => ({ region: region.region, zones: [...region.zones] })),
      pricePerHour: shape.pricePerHour,
      spotPricePerHour: Math.min(...zones.map((zone) => spotPriceAt(shape, zone, now))),
      warnings: [NOTIONAL_PRICE_WARNING],
    };
  });
}
