import type { z } from 'zod';
import type { CapabilityDeclaration } from './capabilities.js';
import { type ProviderInstance, ProviderInstanceSchema } from './instance.js';
import { type Provider, supports } from './provider.js';
import { type ProviderSnapshot, ProviderSnapshotSchema } from './snapshot.js';

/** A vendor answered with a shape its adapter cannot read: the adapter or the vendor API is at fault, not the caller. */
export class VendorResponseError extends Error {
  readonly provider: string;
  constructor(provider: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'VendorResponseError';
    this.provider = provider;
  }
}

/** The first zod issue as `path: message`, the way skipped entries and VendorResponseError name a bad field. */
export function firstIssue(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unknown shape';
}

/** Entry: parse a vendor-derived value into the provider's enhanced type, failing loudly on a bad shape. */
export function materialize<T>(schema: z.ZodType<T>, raw: unknown, provider: string, what: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new VendorResponseError(provider, `${provider}: cannot read ${what} (${firstIssue(parsed.error)})`, parsed.error);
}

const INSTANCE_KEYS = Object.keys(ProviderInstanceSchema.shape) as (keyof ProviderInstance)[];

/**
 * Exit: the generic instance, with every field the generic schema does not know stripped. The
 * enhanced value was validated on entry (`materialize`), so this only picks fields: a reconcile
 * projects every machine a provider lists, and a zod parse per machine is the larger cost there.
 */
export function projectInstance(instance: ProviderInstance): ProviderInstance {
  const projected = {} as Record<keyof ProviderInstance, unknown>;
  for (const key of INSTANCE_KEYS) projected[key] = instance[key];
  projected.tags = { ...instance.tags };
  projected.stateReason = instance.stateReason === null ? null : { code: instance.stateReason.code, message: instance.stateReason.message };
  return projected as ProviderInstance;
}

/** Exit: the generic snapshot, with every field the generic schema does not know stripped. */
export function projectSnapshot(snapshot: ProviderSnapshot): ProviderSnapshot {
  return ProviderSnapshotSchema.parse(snapshot);
}

/**
 * Wraps a provider with enhanced types into one that only ever returns the generic types. This is
 * what the control plane holds: it can never see a vendor field.
 */
export function projectProvider<
  TInstance extends ProviderInstance,
  TSnapshot extends ProviderSnapshot,
  TCaps extends CapabilityDeclaration,
>(provider: Provider<TInstance, TSnapshot, TCaps>): Provider<ProviderInstance, ProviderSnapshot, TCaps> {
  const projected: Record<string, unknown> = {
    name: provider.name,
    tier: provider.tier,
    capabilities: provider.capabilities,
    schemas: { instance: ProviderInstanceSchema, snapshot: ProviderSnapshotSchema },
    instanceTypes: () => provider.instanceTypes(),
    spawn: async (options: Parameters<typeof provider.spawn>[0]) => projectInstance(await provider.spawn(options)),
    terminate: (providerId: string) => provider.terminate(providerId),
    list: async (filter?: Parameters<typeof provider.list>[0]) => (await provider.list(filter)).map(projectInstance),
    get: async (providerId: string) => {
      const instance = await provider.get(providerId);
      return instance === null ? null : projectInstance(instance);
    },
    generateBootstrap: (config: Parameters<typeof provider.generateBootstrap>[0]) => provider.generateBootstrap(config),
  };
  if (supports(provider, 'snapshots')) {
    Object.assign(projected, {
      createSnapshot: async (...args: Parameters<typeof provider.createSnapshot>) =>
        projectSnapshot(await provider.createSnapshot(...args)),
      getSnapshotStatus: async (id: string) => {
        const snapshot = await provider.getSnapshotStatus(id);
        return snapshot === null ? null : projectSnapshot(snapshot);
      },
      deleteSnapshot: (id: string) => provider.deleteSnapshot(id),
    });
  }
  if (supports(provider, 'spot')) {
    Object.assign(projected, {
      requestSpotInstance: (...args: Parameters<typeof provider.requestSpotInstance>) => provider.requestSpotInstance(...args),
      cancelSpotRequest: (id: string) => provider.cancelSpotRequest(id),
      getSpotPrices: (...args: Parameters<typeof provider.getSpotPrices>) => provider.getSpotPrices(...args),
    });
  }
  if (supports(provider, 'persistentVolumes')) {
    // Volumes are generic already (no enhanced volume type), so they pass through as they are.
    Object.assign(projected, {
      createVolume: (...args: Parameters<typeof provider.createVolume>) => provider.createVolume(...args),
      getVolume: (id: string) => provider.getVolume(id),
      listVolumes: (...args: Parameters<typeof provider.listVolumes>) => provider.listVolumes(...args),
      deleteVolume: (id: string) => provider.deleteVolume(id),
    });
  }
  return projected as unknown as Provider<ProviderInstance, ProviderSnapshot, TCaps>;
}
