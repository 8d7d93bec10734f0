import { z } from 'zod';
import { PROVIDER_ERROR_CODES, type ProviderErrorCode } from './errors.js';

/** What a provider reports about a machine, in the vendor-neutral vocabulary. */
export const PROVIDER_INSTANCE_STATUSES = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'terminating',
  'terminated',
  'failed',
] as const;

export type ProviderInstanceStatus = (typeof PROVIDER_INSTANCE_STATUSES)[number];

const tagsSchema = z.record(z.string(), z.string());

/**
 * The generic instance: the only instance shape that leaves a provider. Enhanced provider types
 * extend it; `projectInstance` strips whatever this schema does not name.
 */
export const ProviderInstanceSchema = z.object({
  providerId: z.string().min(1),
  name: z.string(),
  status: z.enum(PROVIDER_INSTANCE_STATUSES),
  instanceType: z.string().min(1),
  region: z.string().min(1),
  zone: z.string().nullable(),
  spot: z.boolean(),
  image: z.string().nullable(),
  tags: tagsSchema,
  /** The ownership marker's value, or null for a machine Hangar does not own. */
  owner: z.string().nullable(),
  /** Hangar's instance id carried by the machine, or null. */
  hangarInstanceId: z.string().nullable(),
  launchedAt: z.iso.datetime(),
  /** Why the machine is in its state when the provider says (e.g. SPOT_INTERRUPTED for a reclaimed spot machine). */
  stateReason: z
    .object({ code: z.enum(PROVIDER_ERROR_CODES as [ProviderErrorCode, ...ProviderErrorCode[]]), message: z.string() })
    .nullable(),
});

export type ProviderInstance = z.infer<typeof ProviderInstanceSchema>;

export const ListFilterSchema = z.object({
  owner: z.string().optional(),
  hangarInstanceId: z.string().optional(),
  statuses: z.array(z.enum(PROVIDER_INSTANCE_STATUSES)).optional(),
  tags: tagsSchema.optional(),
  region: z.string().optional(),
});

export type ListFilter = z.infer<typeof ListFilterSchema>;

/** `terminated` means the provider confirms the machine is gone; `terminating` means it is on its way. */
export const TerminateResultSchema = z.object({
  providerId: z.string(),
  status: z.enum(['terminating', 'terminated']),
});

export type TerminateResult = z.infer<typeof TerminateResultSchema>;

/** The one place that answers "does this machine match this filter", for providers that filter in memory. */
export function matchesListFilter(instance: ProviderInstance, filter: ListFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.owner !== undefined && instance.owner !== filter.owner) return false;
  if (filter.hangarInstanceId !== undefined && instance.hangarInstanceId !== filter.hangarInstanceId) return false;
  if (filter.statuses && !filter.statuses.includes(instance.status)) return false;
  if (filter.region !== undefined && instance.region !== filter.region) return false;
  if (filter.tags) {
    for (const [key, value] of Object.entries(filter.tags)) if (instance.tags[key] !== value) return false;
  }
  return true;
}
