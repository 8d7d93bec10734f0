import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { ProviderRegistration } from '../contracts/index.js';
import { createApp } from './app.js';
import { ConfigError, type ControlPlaneSettings } from './config.js';
import type { ControlPlaneContext } from './context.js';
import { trackRequests } from './http-drain.js';
import { createLogger, type Logger } from './logger.js';
import { ProviderRegistry } from './provider-registry.js';
import { KeyedNotifier } from '../lib/keyed-notifier.js';
import { FreshInstanceFollower } from './reconcile/fresh-instance-follower.js';
import { HeartbeatScheduler } from './reconcile/heartbeat-scheduler.js';
import { CapacityErrorStore } from './store/capacity-error-store.js';
import { PlacementStore } from './store/placement-store.js';
import { driveChain } from './placement/place-instance.js';
import { handleSpotInterruption } from './placement/spot-replacement.js';
import type { ReconcileOutcome } from './reconcile/reconcile-report.js';
import { Reconciler } from './reconcile/reconciler.js';
import type { Database } from './store/database-schema.js';
import { ObservedInstanceStore } from './store/observed-instance-store.js';
import { InstanceStore } from './store/instance-store.js';
import { openDatabase } from './store/open-database.js';
import { OrphanStore } from './store/orphan-store.js';
import { SnapshotStore } from './store/snapshot-store.js';
import { ValidationStore } from './store/validation-store.js';
import { ValidationSchedule } from './readiness/validation-schedule.js';
import { ValidationService } from './readiness/validation-service.js';
import { createGatewayTracing, type ModelRef, type TransportHooks } from '../llm/index.js';
import type { ReadinessProbeResult, ReadinessProbes } from '../contracts/index.js';
import { DailyProbeBudget } from '../readiness/probe-budget.js';
import { createLlmReadinessProbes } from './llm/llm-readiness-probes.js';
import { LlmGateway } from './llm/llm-gateway.js';
import { ProviderOverrides } from './governance/provider-overrides.js';
import { ConformanceService } from './governance/conformance-service.js';
import { ConformanceReportStore } from './store/conformance-report-store.js';
import { LLM_PROVIDER_KINDS } from './llm/llm-settings.js';
import { buildProviderNameRegistry, type ProviderNameRegistry, type SsotAudit } from '../governance/provider-name-registry.js';
import { ProviderReload, type RegistrationLoader } from './governance/provider-reload.js';
import { RampService } from './governance/ramp-service.js';
import { ShadowService } from './governance/shadow-service.js';
import { TokenStore } from './auth/token-store.js';
import { ScaffoldService } from './governance/scaffold-service.js';
import { recordEvent } from './store/event-store.js';
import { setupLlmProviders } from './llm/llm-providers.js';
import { PolicyFile } from './llm/policy-file.js';
import { LlmDecisionStore } from './store/llm-decision-store.js';

export interface ControlPlaneOptions {
  settings: ControlPlaneSettings;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- registrations of any provider, each projected to the generic types on register.
  registrations: readonly ProviderRegistration<any, any, any>[];
  logger?: Logger;
  /**
   * The canonical provider names (src/provider-names.ts: what the factories can build), served at
   * GET /v1/registry/providers. Default: the registered compute providers and the LLM provider kinds.
   */
  providerNames?: ProviderNameRegistry;
  /** Reads the configuration again (POST /providers/reload); without it, reload answers 409 RELOAD_UNAVAILABLE. */
  reload?: RegistrationLoader;
  /** The start-up audit of the configured names against the vendored registry; logged, and shown in GET /providers. */
  ssot?: SsotAudit;
  /**
   * Where each compute provider's calls go, by name (its configured endpoint URLs; the composition root
   * reads them from each provider's config and environment). A conformance run's `emulator` target runs
   * a provider that is not testing-tier only when all of them are loopback.
   */
  providerEndpoints?: Readonly<Record<string, readonly string[]>>;
  /** The providers file (PROVIDERS_CONFIG_PATH) a ramp's promotion is written into; absent, a promotion lasts until a restart. */
  providersFile?: string | null;
  /** POST /self/providers/scaffold writes into this source checkout; absent: it answers 409 NOT_A_SOURCE_CHECKOUT (embedded planes never write into a repository). */
  scaffoldRoot?: string | null;
  /** The provider kinds the composition root knows (compute and LLM): a scaffolded vendor may not reuse one. */
  providerKinds?: readonly string[];
  /** Where LLM keys are read from (default process.env); read at every call, never stored. */
  env?: NodeJS.ProcessEnv;
  /** Tests: the LLM transports' hooks and the escalation ladder's waits. */
  llmHooks?: { transport?: TransportHooks; sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; random?: () => number };
}

export interface ControlPlane {
  readonly app: Hono;
  readonly ctx: ControlPlaneContext;
  /** The API tokens (docs/operations.md). */
  readonly tokens: TokenStore;
  readonly scheduler: HeartbeatScheduler;
  /** Follows provisioning / terminating rows between reconciles (started with the scheduler). */
  readonly follower: FreshInstanceFollower;
  /** Provider validation on its clock (started with the scheduler). */
  readonly validationSchedule: ValidationSchedule;
  readonly db: Kysely<Database>;
  /** One reconcile now, of one provider or of all; waits for any reconcile of the same provider under way. */
  reconcileNow(provider?: string): Promise<ReconcileOutcome[]>;
  /** Drops placements past retention and goes on with every chain a previous process left running; answers how many. */
  resumePlacements(): Promise<number>;
  close(): Promise<void>;
}

/** Opens the store, registers and starts the providers, and builds the API; it does not listen. */
export async function createControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { settings } = options;
  const logger = options.logger ?? createLogger(settings.logLevel);
  // The LLM side's configuration is checked before anything opens: a bad provider entry or policy file stops start-up with its name.
  const llmSetup = setupLlmProviders(settings.llm, options.env ?? process.env, options.llmHooks?.transport);
  const policyFile = new PolicyFile(settings.llm.policyPath ?? join(settings.dataDir, 'models', 'policy.json'));
  const db = await openDatabase(settings.dataDir);
  const registry = new ProviderRegistry();
  for (const registration of options.registrations) registry.register(registration);
  await registerOwnersOfLiveInstances(registry, new InstanceStore(db), options.reload, logger);
  for (const entry of registry.all()) await entry.hooks.onStartup?.();
  const instanceChanges = new KeyedNotifier();
  const capacityErrors = new CapacityErrorStore(db, {
    ttlMs: settings.placement.capacityErrors.ttlMs,
    quotaTtlMs: settings.placement.capacityErrors.quotaTtlMs,
    retentionMs: settings.placement.capacityErrors.retentionMs,
    perProvider: settings.placement.capacityErrors.providers,
  });
  await capacityErrors.load();
  // One capacity-error cache: providers that learn about capacity themselves report to it and read it.
  registry.bindCapacitySignals((provider) =>
    capacityErrors.signalsFor(provider, (error, signal) =>
      logger.warn('a provider capacity signal was not recorded', { provider, region: signal.region, zone: signal.zone, error: String(error) }),
    ),
  );
  registry.onRefreshError = (provider, error) => logger.warn('catalog refresh failed; the last catalog stays in use', { provider, error: String(error) });
  const validationStore = new ValidationStore(db);
  // The LLM providers join readiness beside the compute ones; their execution probes (a tiny paid completion) stay within the daily budget,
  // and each probe's latency feeds the gateway's rolling p50.
  let recordProbeLatency: (ref: ModelRef, latencyMs: number) => void = () => {};
  const llmProbes = new Map<string, ReadinessProbes<ReadinessProbeResult>>();
  for (const entry of llmSetup.entries) {
    const probeModel = entry.probeModel ?? { provider: entry.name, model: 'unknown' };
    const probes = createLlmReadinessProbes({
      provider: entry.name,
      runtime: llmSetup.runtime,
      configured: () => {
        const missing = llmSetup.missing(entry.name);
        return { ok: missing.length === 0, missing };
      },
      probeModel,
      maxOutputTokens: settings.llm.probeMaxOutputTokens,
    });
    const execution = probes.execution;
    llmProbes.set(entry.name, {
      ...probes,
      execution: {
        description: execution.description,
        costUsd: execution.costUsd,
        run: async (probeContext) => {
          const started = performance.now();
          const outcome = await execution.run(probeContext);
          recordProbeLatency(probeModel, performance.now() - started);
          return outcome;
        },
      },
    });
  }
  const validations = new ValidationService(registry, validationStore, settings.readiness, settings.owner, logger, {
    llmProbes,
    budget: new DailyProbeBudget(validationStore, settings.llm.probeDailyBudgetUsd),
  });
  await validations.load();
  const overrides = new ProviderOverrides();
  // Set once the ramp and the shadow exist (they need the gateway): an LLM candidate is routed to only through its ramp.
  let rolloutCandidate: (provider: string) => boolean = () => false;
  const tracing = createGatewayTracing({ ...(settings.llm.otlpEndpoint !== undefined && { otlpEndpoint: settings.llm.otlpEndpoint }) });
  const llm = new LlmGateway({
    settings: settings.llm,
    setup: llmSetup,
    policy: policyFile,
    decisions: new LlmDecisionStore(db),
    readiness: (provider) => {
      if (rolloutCandidate(provider)) return { ready: false, reason: 'it is a rollout candidate: it takes requests through its ramp only' };
      if (!overrides.allows('llm_gateway', provider)) return { ready: false, reason: `the llm_gateway override names ${overrides.get('llm_gateway')?.adapters.join(', ') ?? ''} only` };
      const block = validations.placementBlock(provider);
      if (block !== null) return { ready: false, reason: block.reason ?? 'the latest validation failed' };
      // Called per model on every routing decision: one lookup.
      const passed = validations.lastPassed(provider);
      return { ready: passed, reason: passed === null ? 'not validated yet' : 'the latest validation passed' };
    },
    logger,
    tracing,
    ...(options.llmHooks !== undefined && { ladderHooks: { ...(options.llmHooks.sleep && { sleep: options.llmHooks.sleep }), ...(options.llmHooks.random && { random: options.llmHooks.random }) } }),
  });
  await llm.start();
  const ramp = new RampService(registry, settings.governance.rollout.slo, logger);
  recordProbeLatency = (ref, latencyMs) => llm.recordLatency(ref, latencyMs);
  // eslint-disable-next-line prefer-const -- the scheduler needs the context, the context's readiness needs the scheduler
  let scheduler: HeartbeatScheduler;
  const ctx: ControlPlaneContext = {
    db,
    instances: new ObservedInstanceStore(db, instanceChanges),
    instanceChanges,
    snapshots: new SnapshotStore(db),
    orphans: new OrphanStore(db),
    reconcileSettings: settings.reconcile,
    registry,
    settings: { owner: settings.owner, providerTimeoutMs: settings.providerTimeoutMs, sseKeepAliveMs: settings.sseKeepAliveMs },
    logger,
    inflightSpawns: new Map(),
    placements: new PlacementStore(db),
    capacityErrors,
    placementSettings: {
      chain: {
        attemptTimeoutMs: settings.placement.attemptTimeoutMs,
        chainTimeoutMs: settings.placement.chainTimeoutMs,
        maxAttempts: settings.placement.maxAttempts,
        spotFailuresBeforeOnDemand: settings.placement.spotFailuresBeforeOnDemand,
        maxAttemptsPerProvider: settings.placement.maxAttemptsPerProvider,
      },
      retentionMs: settings.placement.retentionMs,
    },
    validations,
    llm,
    overrides,
    conformance: new ConformanceService({
      registry,
      llm: llmSetup,
      owner: settings.owner,
      logger,
      store: new ConformanceReportStore(db, settings.dataDir),
      providerEndpoints: options.providerEndpoints ?? {},
      // From the registry, so a provider a reload added brings its own cases too.
      contractsOf: (provider) => registry.get(provider)?.contracts ?? [],
    }),
    ramp,
    providerReadiness: (provider) => {
      const heartbeat = scheduler.readiness(provider);
      return heartbeat.ready ? (validations.placementBlock(provider) ?? heartbeat) : heartbeat;
    },
    spotInterrupted: (records) => {
      for (const record of records) {
        handleSpotInterruption(ctx, record).catch((error: unknown) =>
          logger.warn('spot replacement failed', { instanceId: record.id, error: error instanceof Error ? error.message : String(error) }),
        );
      }
    },
  };
  const reconciler = new Reconciler(ctx);
  scheduler = new HeartbeatScheduler(ctx, reconciler);
  const follower = new FreshInstanceFollower(ctx, settings.follow);
  const validationSchedule = new ValidationSchedule(validations, validationStore, settings.readiness, logger);
  const reconcileNow = async (provider?: string) => {
    const entries = provider === undefined ? registry.all() : [registry.get(provider)].filter((entry) => entry !== undefined);
    const outcomes = [];
    for (const entry of entries) outcomes.push(await scheduler.runTask(entry, 'reconcile'));
    // One provider: its failure is the answer. Several: each answers for itself, and one failing stops none of the others.
    const only = outcomes[0];
    if (provider !== undefined && only && !only.report) throw only.error ?? new Error(only.message);
    return outcomes.map((outcome, index): ReconcileOutcome => outcome.report ?? { provider: entries[index]?.name ?? '', error: outcome.message });
  };
  const providerNames = options.providerNames ?? buildProviderNameRegistry({ compute: registry.names(), llm: LLM_PROVIDER_KINDS });
  const ssot: SsotAudit = options.ssot ?? { line: 'ssot=unavailable', reason: 'no audit: the control plane was started without the composition root (src/main.ts)' };
  // Logged only when the composition root ran the audit (npm start); an embedded plane (the readiness CLI, tests) shows it in GET /providers only.
  if (options.ssot !== undefined) {
    if (ssot.line === 'ssot=ok') logger.info(ssot.line);
    else logger.warn(ssot.line, ssot.line === 'ssot=drift' ? { unknown: ssot.unknown } : { reason: ssot.reason });
  }
  const reload =
    options.reload === undefined
      ? null
      : new ProviderReload(ctx, options.reload, {
          started: (entry) => {
            registry.bindCapacitySignals((provider) =>
              capacityErrors.signalsFor(provider, (error, signal) => logger.warn('a provider capacity signal was not recorded', { provider, region: signal.region, zone: signal.zone, error: String(error) })),
            );
            scheduler.add(entry);
          },
        });
  if (reload !== null) {
    scheduler.onReconciled = (entry) => {
      if (!registry.isRetiring(entry.name)) return;
      reload.sweep().catch((error: unknown) => logger.warn('retired provider sweep failed', { provider: entry.name, error: String(error) }));
    };
  }
  const shadow = new ShadowService({
    registry,
    ramp,
    db,
    settings: settings.governance.shadow,
    dataDir: settings.dataDir,
    owner: settings.owner,
    logger,
    llmRun: (request, signal) => llm.runOnce(request, signal),
    llmProbeModel: (provider) => llmSetup.entries.find((entry) => entry.name === provider)?.probeModel ?? null,
  });
  ramp.hooks = {
    promoted: (pair) => void shadow.endFor(pair, `${pair.candidate} promoted`),
    rolledBack: (pair, breaches) => {
      const message = `ramp of ${pair.current} → ${pair.candidate} rolled back to 0: ${breaches.map((breach) => breach.detail).join('; ')}`;
      recordEvent(db, { provider: pair.candidate, instanceId: null, type: 'governance.rollback', fromStatus: null, toStatus: null, message, data: { ...pair, breaches } }).catch((error: unknown) =>
        logger.warn('the rollback event was not recorded', { error: String(error) }),
      );
      void shadow.endFor(pair, 'ramp rolled back');
    },
  };
  rolloutCandidate = (provider) => ramp.isCandidate('llm_gateway', provider) || shadow.isCandidate('llm_gateway', provider);
  llm.attachRollout({
    assign: (provider, key) => ramp.assign('llm_gateway', provider, key),
    record: (provider, outcome) => ramp.record('llm_gateway', provider, outcome),
    mirror: (request, response) => shadow.mirrorLlm(request, response),
  });
  const scaffold = new ScaffoldService({
    dataDir: settings.dataDir,
    logger,
    owner: settings.owner,
    env: options.env ?? process.env,
    sourceRoot: options.scaffoldRoot ?? null,
    knownKinds: () => options.providerKinds ?? providerNames.providers.map((entry) => entry.name),
  });
  const tokens = new TokenStore(db);
  await bootstrapAdminToken(tokens, options.env ?? process.env, logger);
  const app = createApp(ctx, { scheduler, reconcileNow }, { providerNames, reload, ssot, shadow, shadowSettings: settings.governance.shadow, scaffold, providersFile: options.providersFile ?? null }, { tokens, loopbackOnly: LOOPBACK_HOSTS.includes(settings.host.toLowerCase()) });
  return {
    app,
    ctx,
    tokens,
    scheduler,
    follower,
    validationSchedule,
    db,
    reconcileNow,
    async resumePlacements() {
      const pruned = await ctx.placements.prune(new Date(Date.now() - ctx.placementSettings.retentionMs).toISOString());
      if (pruned > 0) logger.info('placements past retention dropped', { pruned });
      const open = await ctx.placements.open();
      for (const placement of open) {
        // Registered as in flight at once (before the reconciler's first pass), run in the background.
        driveChain(ctx, placement, true).catch((error: unknown) =>
          logger.warn('resumed placement ended without a machine', { instanceId: placement.instanceId, placementId: placement.id, error: error instanceof Error ? error.message : String(error) }),
        );
      }
      if (open.length > 0) logger.info('placement chains resumed', { count: open.length });
      return open.length;
    },
    async close() {
      shadow.close();
      await validationSchedule.stop();
      await follower.stop();
      await scheduler.stop();
      for (const entry of registry.all()) await entry.hooks.onShutdown?.();
      await tracing.shutdown().catch((error: unknown) => logger.warn('LLM span export did not drain', { error: String(error) }));
      await db.destroy();
    },
  };
}

export interface RunningControlPlane extends ControlPlane {
  readonly url: string;
}

/** The one route whose response never ends on its own (server-sent events). */
const EVENT_STREAM_PATH = '/v1/events/stream';

/** The addresses that only this machine can reach: on them the API is open until a token exists; anywhere else every request authenticates. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

/** createControlPlane, then the heartbeat scheduler and the HTTP server on `host:port` (port 0 picks a free one). */
export async function startControlPlane(options: ControlPlaneOptions): Promise<RunningControlPlane> {
  const plane = await createControlPlane(options);
  const { host: listenHost, shutdownTimeoutMs } = options.settings;
  if (!LOOPBACK_HOSTS.includes(listenHost.toLowerCase())) {
    // Beyond loopback, every request authenticates: without a token to authenticate with, nobody could use the API.
    if ((await plane.tokens.size()) === 0) {
      await plane.close();
      throw new ConfigError(
        `HOST ${listenHost} is beyond loopback, so the API needs tokens, and none exists: set HANGAR_ADMIN_TOKEN to a secret of at least 32 characters to create the first admin token (docs/operations.md), or keep HOST on 127.0.0.1`,
      );
    }
    plane.ctx.logger.info('listening beyond loopback: every request needs an API token', { host: listenHost });
  }
  // Catalogs are read in the background: placement never waits on a vendor; a provider without one is "not ready" until it arrives.
  void plane.ctx.registry.warmCatalogs();
  await plane.resumePlacements();
  plane.scheduler.start();
  plane.follower.start();
  plane.validationSchedule.start();
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: plane.app.fetch, hostname: options.settings.host, port: options.settings.port }, () =>
      resolve(started),
    );
    started.once('error', reject);
  }).catch(async (error: unknown) => {
    // The address is taken or not ours: stop what is started (scheduler, providers, database) before failing.
    await plane.close();
    throw error;
  });
  const requests = trackRequests(server as Server, (request) => new URL(request.url ?? '/', 'http://x').pathname === EVENT_STREAM_PATH);
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
    /**
     * Stops accepting connections, lets requests under way finish (at most `shutdownTimeoutMs`, the
     * heartbeat scheduler stopping meanwhile), cuts what is left (event streams, overdue requests),
     * then runs the providers' onShutdown and closes the database.
     */
    async close() {
      const [drained] = await Promise.all([requests.drain(shutdownTimeoutMs), plane.scheduler.stop()]);
      if (drained.cut > 0) plane.ctx.logger.warn('shutdown deadline passed; requests cut', { cut: drained.cut, shutdownTimeoutMs });
      await plane.close();
    },
  };
}

/**
 * Never orphaned across a restart: an adapter that owns open rows but is not enabled (a reload removed
 * it, or a ramp's candidate no longer mapped) is built again from its configured section and registered
 * retiring, so it is reconciled until its last machine is gone and given no new work. One the
 * configuration no longer names at all cannot be built: its rows wait, and the log says so.
 */
async function registerOwnersOfLiveInstances(registry: ProviderRegistry, instances: InstanceStore, loader: RegistrationLoader | undefined, logger: Logger): Promise<void> {
  const owners = (await instances.openProviders()).filter((name) => registry.get(name) === undefined);
  if (owners.length === 0) return;
  let plan: ReturnType<RegistrationLoader> | null;
  try {
    plan = loader?.() ?? null;
  } catch (error) {
    logger.warn('open instances belong to providers that are not enabled, and the configuration did not load to build them', { providers: owners, error: String(error) });
    return;
  }
  for (const name of owners) {
    if (plan?.adapters?.some((adapter) => adapter.name === name) !== true) {
      logger.warn('open instances belong to a provider the configuration no longer names: they are not reconciled until it is configured again', { provider: name });
      continue;
    }
    try {
      registry.register(plan.build(name));
      registry.retire(name);
      logger.info('a provider that is not enabled owns open instances: registered retiring, reconciled until they are gone', { capability: 'compute', adapter: name });
    } catch (error) {
      logger.warn('a provider that owns open instances could not be built', { provider: name, error: String(error) });
    }
  }
}

/** The shortest HANGAR_ADMIN_TOKEN taken: a bootstrap secret shorter than this is a password, not a token. */
const MIN_ADMIN_TOKEN_LENGTH = 32;

/** HANGAR_ADMIN_TOKEN bootstraps the first admin token: its hash is stored once (never the secret, never logged). */
async function bootstrapAdminToken(tokens: TokenStore, env: NodeJS.ProcessEnv, logger: Logger): Promise<void> {
  const secret = env.HANGAR_ADMIN_TOKEN?.trim();
  if (secret === undefined || secret === '') return;
  if (secret.length < MIN_ADMIN_TOKEN_LENGTH) throw new ConfigError(`HANGAR_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -base64 32\`)`);
  const { created } = await tokens.ensure('bootstrap-admin', ['admin'], secret);
  if (created) logger.info('bootstrap admin token stored from HANGAR_ADMIN_TOKEN (its hash only)', { name: 'bootstrap-admin' });
}
