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
  // Every method passes all its arguments through, the options bag (`{signal}`) included.
  const projected: Record<string, unknown> = {
    name: provider.name,
    tier: provider.tier,
    capabilities: provider.capabilities,
    schemas: { instance: ProviderInstanceSchema, snapshot: ProviderSnapshotSchema },
    instanceTypes: (...args: Parameters<typeof provider.instanceTypes>) => provider.instanceTypes(...args),
    spawn: async (...args: Parameters<typeof provider.spawn>) => projectInstance(await provider.spawn(...args)),
    terminate: (...args: Parameters<typeof provider.terminate>) => provider.terminate(...args),
    list: async (...args: Parameters<typeof provider.list>) => (await provider.list(...args)).map(projectInstance),
    get: async (...args: Parameters<typeof provider.get>) => {
      const instance = await provider.get(...args);
      return instance === null ? null : projectInstance(instance);
    },
    generateBootstrap: (config: Parameters<typeof provider.generateBootstrap>[0]) => provider.generateBootstrap(config),
  };
  if (supports(provider, 'snapshots')) {
    Object.assign(projected, {
      createSnapshot: async (...args: Parameters<typeof provider.createSnapshot>) =>
        projectSnapshot(await provider.createSnapshot(...args)),
      getSnapshotStatus: async (...args: Parameters<typeof provider.getSnapshotStatus>) => {
        const snapshot = await provider.getSnapshotStatus(...args);
        return snapshot === null ? null : projectSnapshot(snapshot);
      },
      deleteSnapshot: (...args: Parameters<typeof provider.deleteSnapshot>) => provider.deleteSnapshot(...args),
    });
  }
  if (supports(provider, 'spot')) {
    Object.assign(projected, {
      requestSpotInstance: (...args: Parameters<typeof provider.requestSpotInstance>) => provider.requestSpotInstance(...args),
      cancelSpotRequest: (...args: Parameters<typeof provider.cancelSpotRequest>) => provider.cancelSpotRequest(...args),
      getSpotPrices: (...args: Parameters<typeof provider.getSpotPrices>) => provider.getSpotPrices(...args),
    });
  }
  if (supports(provider, 'persistentVolumes')) {
    // Volumes are generic already (no enhanced volume type), so they pass through as they are.
    Object.assign(projected, {
      createVolume: (...args: Parameters<typeof provider.createVolume>) => provider.createVolume(...args),
      getVolume: (...args: Parameters<typeof provider.getVolume>) => provider.getVolume(...args),
      listVolumes: (...args: Parameters<typeof provider.listVolumes>) => provider.listVolumes(...args),
      deleteVolume: (...args: Parameters<typeof provider.deleteVolume>) => provider.deleteVolume(...args),
    });
  }
  return projected as unknown as Provider<ProviderInstance, ProviderSnapshot, TCaps>;
}
