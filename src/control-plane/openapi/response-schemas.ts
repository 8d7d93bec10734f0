import { z } from '@hono/zod-openapi';
import {
  CAPABILITY_FLAGS,
  HEARTBEAT_TASKS,
  InstanceTypeOfferingSchema,
  PROVIDER_TIERS,
  ProviderInstanceSchema,
  ProviderVolumeSchema,
  SKIPPED_ENTRY_KINDS,
  VolumeRequestSchema,
} from '../../contracts/index.js';
import { INSTANCE_STATUSES } from '../instance-record.js';
import { SNAPSHOT_STATUSES } from '../snapshot-record.js';

/**
 * The JSON the routes answer, as zod schemas: the source of the OpenAPI document (docs/api.md has the prose).
 * A contract schema is named by copying its shape (`z.object(X.shape).openapi(name)`): zod 4 gives `.openapi()`
 * only to schemas made after @hono/zod-openapi is loaded, and the contracts may load first.
 */

const Timestamp = z.iso.datetime();
const Cursor = z.string().nullable().openapi({ description: 'Opaque; pass it back to get the next page' });
const RowError = z.object({ code: z.string(), message: z.string() }).nullable();

export const HealthzSchema = z.object({ status: z.literal('ok') }).openapi('Healthz');

export const InstanceSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    providerId: z.string().nullable(),
    status: z.enum(INSTANCE_STATUSES),
    name: z.string(),
    instanceType: z.string(),
    region: z.string(),
    zone: z.string().nullable(),
    spot: z.boolean(),
    image: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
    volumes: z.array(VolumeRequestSchema),
    bootstrapChecksum: z.string(),
    error: RowError,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    terminatedAt: Timestamp.nullable(),
    drift: z.object({ observedHash: z.string(), fields: z.array(z.string()), detectedAt: Timestamp }).nullable(),
    /** Set when the instance was placed by requirements: GET /v1/instances/{id}/placement has the evidence. */
    placementId: z.string().nullable(),
  })
  .openapi('Instance');

export const InstancePageSchema = z.object({ items: z.array(InstanceSchema), nextCursor: Cursor }).openapi('InstancePage');

export const EventSchema = z
  .object({
    id: z.number().int(),
    provider: z.string().nullable(),
    instanceId: z.string().nullable(),
    type: z.string(),
    fromStatus: z.string().nullable(),
    toStatus: z.string().nullable(),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).nullable(),
    createdAt: Timestamp,
  })
  .openapi('Event');

export const EventPageSchema = z.object({ items: z.array(EventSchema), nextCursor: Cursor }).openapi('EventPage');
export const InstanceEventsSchema = z.object({ items: z.array(EventSchema) }).openapi('InstanceEvents');

export const SnapshotSchema = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    provider: z.string(),
    providerSnapshotId: z.string().nullable(),
    status: z.enum(SNAPSHOT_STATUSES),
    sizeGiB: z.number().nullable(),
    description: z.string().nullable(),
    error: RowError,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Snapshot');

export const SnapshotPageSchema = z.object({ items: z.array(SnapshotSchema), nextCursor: Cursor }).openapi('SnapshotPage');

const flagShape = <T extends z.ZodType>(value: T) => Object.fromEntries(CAPABILITY_FLAGS.map((flag) => [flag, value])) as Record<(typeof CAPABILITY_FLAGS)[number], T>;

export const ProviderSchema = z
  .object({
    name: z.string(),
    tier: z.enum(PROVIDER_TIERS),
    capabilities: z.object(flagShape(z.boolean())),
    unsupported: z.object(flagShape(z.string().optional())).openapi({ description: 'The reason for every flag that is false' }),
    workflows: z.array(z.string()),
  })
  .openapi('Provider');

export const CatalogSchema = z
  .object({
    provider: z.string(),
    fetchedAt: Timestamp,
    instanceTypes: z.array(z.object(InstanceTypeOfferingSchema.shape).openapi('InstanceTypeOffering')),
    skipped: z.array(z.object({ id: z.string().nullable(), reason: z.string() })),
    warnings: z.array(z.string()),
  })
  .openapi('Catalog');

export const ReconcileReportSchema = z
  .object({
    provider: z.string(),
    listed: z.number().int(),
    updated: z.number().int(),
    adopted: z.number().int(),
    orphansCollected: z.number().int(),
    orphansReported: z.number().int(),
    lost: z.number().int(),
    drifted: z.number().int(),
    terminationsRetried: z.number().int(),
    providerCalls: z.object({ list: z.number().int(), get: z.number().int(), terminate: z.number().int(), snapshot: z.number().int() }),
    rowsWritten: z.number().int(),
    durationMs: z.number().nonnegative(),
    errors: z.array(z.object({ code: z.string(), message: z.string(), retryAfterMs: z.number().optional() })),
  })
  .openapi('ReconcileReport');

/** One provider of a reconcile of every provider: its report, or why it could not run. */
const ReconcileFailureSchema = z.object({ provider: z.string(), error: z.string() }).strict().openapi('ReconcileFailure');

export const ReconcileAnswerSchema = z
  .union([ReconcileReportSchema, z.array(z.union([ReconcileReportSchema, ReconcileFailureSchema]))])
  .openapi({ description: 'One report when a provider was named; otherwise one entry per enabled provider, in name order' });

const TaskHealthSchema = z.object({
  lastStartedAt: Timestamp.nullable(),
  lastFinishedAt: Timestamp.nullable(),
  durationMs: z.number().nonnegative().nullable(),
  ok: z.boolean().nullable(),
  message: z.string().nullable(),
  errorCode: z.string().nullable(),
  consecutiveFailures: z.number().int().nonnegative(),
  nextRunAt: Timestamp.nullable(),
  lastReport: ReconcileReportSchema.optional(),
});

export const ProviderHealthSchema = z
  .object({
    provider: z.string(),
    tasks: z.object(Object.fromEntries(HEARTBEAT_TASKS.map((task) => [task, TaskHealthSchema])) as Record<(typeof HEARTBEAT_TASKS)[number], typeof TaskHealthSchema>),
    skippedEntries: z.object({
      total: z.number().int().nonnegative(),
      byKind: z.object(Object.fromEntries(SKIPPED_ENTRY_KINDS.map((kind) => [kind, z.number().int().optional()])) as Record<(typeof SKIPPED_ENTRY_KINDS)[number], z.ZodOptional<z.ZodNumber>>),
      entries: z.array(
        z.object({
          kind: z.enum(SKIPPED_ENTRY_KINDS),
          id: z.string().nullable(),
          reason: z.string(),
          count: z.number().int().positive(),
          firstSeenAt: Timestamp,
          lastSeenAt: Timestamp,
        }),
      ),
    }),
  })
  .openapi('ProviderHealth');

export const MachinePageSchema = z
  .object({ items: z.array(z.object(ProviderInstanceSchema.shape).openapi('Machine')), nextCursor: Cursor, total: z.number().int().nonnegative() })
  .openapi('MachinePage');

export const ChaosStatusSchema = z
  .object({
    enabled: z.boolean(),
    scenario: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'The scenario in force (docs/chaos.md), null when chaos is off' }),
    presets: z.array(z.string()),
    calls: z.number().int().nonnegative(),
    counters: z.record(z.string(), z.object({ matched: z.number().int(), fired: z.number().int() })),
    faults: z.object({
      total: z.number().int().nonnegative(),
      recent: z.array(
        z.object({
          call: z.number().int(),
          operation: z.string(),
          rule: z.string(),
          effect: z.string(),
          code: z.string().nullable(),
          target: z.string().nullable(),
        }),
      ),
    }),
  })
  .openapi('ChaosStatus');

export type ChaosStatus = z.infer<typeof ChaosStatusSchema>;

export const VolumeSchema = z.object(ProviderVolumeSchema.shape).openapi('Volume');
export const VolumeListSchema = z.object({ items: z.array(VolumeSchema) }).openapi('VolumeList');
