import type { ProviderInstance } from '../../contracts/index.js';
import { canonicalHash } from '../canonical-json.js';
import type { InstanceRecord } from '../instance-record.js';

/** Bump when the fields below change, so old hashes are recomputed instead of read as drift. */
export const SPEC_HASH_VERSION = 1;

/** The spec a machine was spawned with, as its provider reports it. */
function specOf(machine: ProviderInstance) {
  return {
    instanceType: machine.instanceType,
    region: machine.region,
    zone: machine.zone,
    spot: machine.spot,
    image: machine.image,
  };
}

export function specHash(machine: ProviderInstance): string {
  return canonicalHash(specOf(machine));
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
