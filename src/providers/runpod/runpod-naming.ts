import type { Ownership } from '../../contracts/index.js';

/**
 * RunPod pods and network volumes have no tags, so the ownership marks live in the name:
 * `hangar.<owner>.<hangar instance id>` for a pod, `hangar.<owner>.<name>` for a volume. Owners are
 * `[a-z0-9-]` (the control plane's rule), so the first two dots split unambiguously.
 */
export const NAME_PREFIX = 'hangar.';
const OWNED_NAME = /^hangar\.([^.]+)\.(.+)$/;

export function ownerIsEncodable(owner: string): boolean {
  return owner.length > 0 && !owner.includes('.');
}

export function podName(ownership: Ownership): string {
  return `${NAME_PREFIX}${ownership.owner}.${ownership.instanceId}`;
}

/** The ownership marks of a pod name, or null for a pod Hangar did not create. */
export function parsePodName(name: string): Ownership | null {
  const match = OWNED_NAME.exec(name);
  return match === null ? null : { owner: match[1] as string, instanceId: match[2] as string };
}

export function volumeName(owner: string, name: string): string {
  return `${NAME_PREFIX}${owner}.${name}`;
}

export function parseVolumeName(name: string): { owner: string; name: string } | null {
  const match = OWNED_NAME.exec(name);
  return match === null ? null : { owner: match[1] as string, name: match[2] as string };
}

/** Hangar's instance type: the RunPod GPU type id for one GPU, `<n>x <id>` for n of them. */
export function instanceTypeName(gpuTypeId: string, count: number): string {
  return count === 1 ? gpuTypeId : `${count}x ${gpuTypeId}`;
}

export function parseInstanceType(name: string): { gpuTypeId: string; count: number } {
  const match = /^(\d+)x (.+)$/.exec(name);
  return match === null ? { gpuTypeId: name, count: 1 } : { gpuTypeId: match[2] as string, count: Number(match[1]) };
}

/** Environment variables Hangar sets on every pod it creates (the pod's env is readable through the API). */
export const POD_ENV = {
  instanceId: 'HANGAR_INSTANCE_ID',
  name: 'HANGAR_NAME',
  /** The caller's tags as JSON: pods have no tags. */
  tags: 'HANGAR_TAGS',
  /** `spot` or `on-demand`: REST v2 does not say whether a pod is interruptible. */
  market: 'HANGAR_MARKET',
  bootstrap: 'HANGAR_BOOTSTRAP',
  bootstrapChecksum: 'HANGAR_BOOTSTRAP_SHA256',
} as const;
