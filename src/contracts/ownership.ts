/**
 * Every machine a provider creates for Hangar carries these two marks (EC2 tags; a name prefix
 * where a vendor has no tags). Reconciliation and leak collection find our machines by them.
 */
export const OWNERSHIP_TAGS = {
  /** The control plane's identity (config `owner`), so two control planes sharing an account never collect each other's machines. */
  owner: 'hangar:owner',
  /** Hangar's own instance id, so a machine can be matched to its row even when the spawn call never returned. */
  instanceId: 'hangar:instance-id',
} as const;

export interface Ownership {
  owner: string;
  instanceId: string;
}

export function ownershipTags(ownership: Ownership): Record<string, string> {
  return { [OWNERSHIP_TAGS.owner]: ownership.owner, [OWNERSHIP_TAGS.instanceId]: ownership.instanceId };
}
