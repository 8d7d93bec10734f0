import { type ProviderInstance, sha256Hex } from '../../contracts/index.js';
import type { InstanceRecord } from '../instance-record.js';

/** Bump when the fields below change, so old hashes are recomputed instead of read as drift. */
export const SPEC_HASH_VERSION = 1;

/**
 * The spec a machine was spawned with, as its provider reports it, as canonical JSON (what
 * `canonicalJson` makes of it): the keys are written in sorted order and every value is a string,
 * a boolean or null, so `JSON.stringify` alone is canonical. A test holds the two equal.
 */
function canonicalSpec(machine: ProviderInstance): string {
  return JSON.stringify({
    image: machine.image,
    instanceType: machine.instanceType,
    region: machine.region,
    spot: machine.spot,
    zone: machine.zone,
  });
}

/** A fleet has few distinct specs, and a reconcile hashes every listed machine: hash each spec once. */
const HASHES_KEPT = 4096;
const hashes = new Map<string, string>();

export function specHash(machine: ProviderInstance): string {
  const spec = canonicalSpec(machine);
  let hash = hashes.get(spec);
  if (hash === undefined) {
    if (hashes.size >= HASHES_KEPT) hashes.clear();
    hash = sha256Hex(spec);
    hashes.set(spec, hash);
  }
  return hash;
}

/** The spec fields where the machine no longer matches what the row asked for (the image only when the row named one). */
export function driftedFields(record: InstanceRecord, machine: ProviderInstance): string[] {
  const fields: string[] = [];
  if (machine.instanceType !== record.instanceType) fields.push('instanceType');
  if (machine.region !== record.region) fields.push('region');
  if (record.zone !== null && machine.zone !== record.zone) fields.push('zone');
  if (machine.spot !== record.spot) fields.push('spot');
  if (record.image !== null && machine.image !== record.image) fields.push('image');
  return fields;
}
