import { z } from 'zod';
import { materialize, type ProviderInstance, ProviderInstanceSchema, type ProviderInstanceStatus } from '../../contracts/index.js';
import { ownershipOf } from './lambda-labs-naming.js';
import { LAMBDA_INSTANCE_STATUSES, type LambdaInstance, type LambdaInstanceStatus } from './lambda-labs-wire.js';

/** The Lambda Labs provider's enhanced instance: the generic fields plus what Lambda reports of the machine. */
export const LambdaLabsInstanceSchema = ProviderInstanceSchema.extend({
  instanceId: z.string().min(1),
  lambdaStatus: z.enum(LAMBDA_INSTANCE_STATUSES),
  ip: z.string().nullable(),
  privateIp: z.string().nullable(),
  hostname: z.string().nullable(),
  sshKeyNames: z.array(z.string()),
  fileSystemNames: z.array(z.string()),
  pricePerHour: z.number().nonnegative().nullable(),
});

export type LambdaLabsInstance = z.infer<typeof LambdaLabsInstanceSchema>;

/** Lambda's instance status in the generic vocabulary, and why when it is telling. */
export const LAMBDA_STATUS_TABLE: Readonly<Record<LambdaInstanceStatus, { status: ProviderInstanceStatus; reason: ProviderInstance['stateReason'] }>> = {
  booting: { status: 'pending', reason: null },
  active: { status: 'running', reason: null },
  // Up but failing Lambda's health checks; it may recover, so it is not `failed` (which Hangar terminates).
  unhealthy: { status: 'running', reason: null },
  terminating: { status: 'terminating', reason: null },
  terminated: { status: 'terminated', reason: null },
  // Lambda took the capacity back: gone, and, like a spot reclaim, worth retrying elsewhere.
  preempted: { status: 'terminated', reason: { code: 'SPOT_INTERRUPTED', message: 'Lambda preempted the instance and reclaimed its capacity' } },
};

/**
 * Lambda reports neither the image an instance booted nor when it launched, and drift detection and
 * the API need both, so Hangar writes them as tags at launch.
 */
export const IMAGE_TAG = 'hangar:image';
export const LAUNCHED_AT_TAG = 'hangar:launched-at';

export interface LambdaInstanceContext {
  /** When this provider first saw the instance: the launch time of one without the tag. */
  readonly firstSeenAt: string;
}

function isIsoDate(value: string | undefined): value is string {
  return value !== undefined && z.iso.datetime().safeParse(value).success;
}

function tagsOf(entries: readonly { key: string; value: string }[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const { key, value } of entries ?? []) tags[key] = value;
  return tags;
}

/** A Lambda `Instance` as the enhanced instance; a shape Hangar cannot read fails loudly (VendorResponseError). */
export function toLambdaLabsInstance(instance: LambdaInstance, context: LambdaInstanceContext): LambdaLabsInstance {
  const tags = tagsOf(instance.tags);
  const mapped = LAMBDA_STATUS_TABLE[instance.status];
  return materialize(
    LambdaLabsInstanceSchema,
    {
      providerId: instance.id,
      name: instance.name ?? '',
      status: mapped.status,
      instanceType: instance.instance_type.name,
      region: instance.region.name,
      zone: null,
      spot: false,
      image: tags[IMAGE_TAG] ?? null,
      tags,
      ...ownershipOf(instance.name, tags),
      launchedAt: isIsoDate(tags[LAUNCHED_AT_TAG]) ? tags[LAUNCHED_AT_TAG] : context.firstSeenAt,
      stateReason: mapped.reason,
      instanceId: instance.id,
      lambdaStatus: instance.status,
      ip: instance.ip ?? null,
      privateIp: instance.private_ip ?? null,
      hostname: instance.hostname ?? null,
      sshKeyNames: instance.ssh_key_names,
      fileSystemNames: instance.file_system_names,
      pricePerHour: instance.instance_type.price_cents_per_hour / 100,
    },
    'lambda-labs',
    `instance ${instance.id}`,
  );
}
