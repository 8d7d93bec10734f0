import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { ProviderRegistration } from '../contracts/index.js';
import { createApp } from './app.js';
import type { ControlPlaneSettings } from './config.js';
import type { ControlPlaneContext } from './context.js';
import { createLogger, type Logger } from './logger.js';
import { ProviderRegistry } from './provider-registry.js';
import { HeartbeatScheduler } from './reconcile/heartbeat-scheduler.js';
import type { ReconcileOutcome } from './reconcile/reconcile-report.js';
import { Reconciler } from './reconcile/reconciler.js';
import type { Database } from './store/database-schema.js';
import { InstanceStore } from './store/instance-store.js';
import { openDatabase } from './store/open-database.js';
import { OrphanStore } from './store/orphan-store.js';
import { SnapshotStore } from './store/snapshot-store.js';

export interface ControlPlaneOptions {
  settings: ControlPlaneSettings;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- registrations of any provider, each projected to the generic types on register.
  registrations: readonly ProviderRegistration<any, any, any>[];
  logger?: Logger;
}

export interface ControlPlane {
  readonly app: Hono;
  readonly ctx: ControlPlaneContext;
  readonly scheduler: HeartbeatScheduler;
  readonly db: Kysely<Database>;
  /** One reconcile now, of one provider or of all; waits for any reconcile of the same provider under way. */
  reconcileNow(provider?: string): Promise<ReconcileOutcome[]>;
  close(): Promise<void>;
}

/** Opens the store, registers and starts the providers, and builds the API; it does not listen. */
export async function createControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { settings } = options;
  const logger = options.logger ?? createLogger(settings.logLevel);
  const db = await openDatabase(settings.dataDir);
  const registry = new ProviderRegistry();
  for (const registration of options.registrations) registry.register(registration);
  for (const entry of registry.all()) await entry.hooks.onStartup?.();
  const ctx: ControlPlaneContext = {
    db,
    instances: new InstanceStore(db),
    snapshots: new SnapshotStore(db),
    orphans: new OrphanStore(db),
    reconcileSettings: settings.reconcile,
    registry,
    settings: { owner: settings.owner, providerTimeoutMs: settings.providerTimeoutMs },
    logger,
    inflightSpawns: new Map(),
  };
  const reconciler = new Reconciler(ctx);
  const scheduler = new HeartbeatScheduler(ctx, reconciler);
  const reconcileNow = async (provider?: string) => {
    const entries = provider === undefined ? registry.all() : [registry.get(provider)].filter((entry) => entry !== undefined);
    const outcomes = [];
    for (const entry of entries) outcomes.push(await scheduler.runTask(entry, 'reconcile'));
    // One provider: its failure is the answer. Several: each answers for itself, and one failing stops none of the others.
    const only = outcomes[0];
    if (provider !== undefined && only && !only.report) throw only.error ?? new Error(only.message);
    return outcomes.map((outcome, index): ReconcileOutcome => outcome.report ?? { provider: entries[index]?.name ?? '', error: outcome.message });
  };
  const app = createApp(ctx, { scheduler, reconcileNow });
  return {
    app,
    ctx,
    scheduler,
    db,
    reconcileNow,
    async close() {
      await scheduler.stop();
      for (const entry of registry.all()) await entry.hooks.onShutdown?.();
      await db.destroy();
    },
  };
}

export interface RunningControlPlane extends ControlPlane {
  readonly url: string;
}

/** createControlPlane, then the heartbeat scheduler and the HTTP server on `host:port` (port 0 picks a free one). */
export async function startControlPlane(options: ControlPlaneOptions): Promise<RunningControlPlane> {
  const plane = await createControlPlane(options);
  plane.scheduler.start();
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: plane.app.fetch, hostname: options.settings.host, port: options.settings.port }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  plane.ctx.logger.info('control plane listening', {
    url: `http://${host}:${address.port}`,
    providers: plane.ctx.registry.names(),
    dataDir: options.settings.dataDir,
  });
  return {
    ...plane,
    url: `http://${host}:${address.port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await plane.close();
    },
  };
}
