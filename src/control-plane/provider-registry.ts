import {
  type CapabilityDeclaration,
  type CapacitySignals,
  type InstanceTypeOffering,
  type PoolLauncher,
  type Provider,
  type ProviderHooks,
  type ProviderChaosControl,
  type ProviderContractCase,
  type ProviderInstance,
  type ProviderRegistration,
  type ProviderSnapshot,
  type ReadinessProbes,
  type ProviderWorkflow,
  projectInstance,
  projectProvider,
  renameErrors,
  renameProvider,
  type SkippedEntry,
  type SkippedEntryLog,
} from '../contracts/index.js';
import { ApiError } from './api-error.js';
import { type ReadTap, withReadTap } from './governance/shadow-read-tap.js';

export interface RegisteredProvider {
  /** The adapter's name (what the API and the store call it). */
  readonly name: string;
  /** The provider kind that built it: the name itself unless several adapters of one kind run (`runpod-next` is a `runpod`). */
  readonly kind: string;
  /** Projected: returns only the generic instance and snapshot types. */
  readonly provider: Provider;
  readonly hooks: ProviderHooks;
  readonly workflows: Readonly<Record<string, ProviderWorkflow>>;
  readonly chaos: ProviderChaosControl | null;
  /** The vendor entries the provider skipped because it could not read them; null when it keeps no log. */
  readonly skippedEntries: SkippedEntryLog | null;
  /** One machine across several capacity pools in one call (projected: answers the generic instance); null when the provider has none. */
  readonly poolLauncher: PoolLauncher | null;
  /** The probes that prove the provider usable (readiness); null when it registers none. */
  readonly readiness: ReadinessProbes | null;
  /** The provider's own compliance cases (conformance runs add them to the shared list). */
  readonly contracts: readonly ProviderContractCase[];
}

/** A provider's catalog as the API shows it: the offerings, and the catalog entries the provider had to skip. */
export interface CatalogView {
  offerings: InstanceTypeOffering[];
  fetchedAt: string;
  skipped: SkippedEntry[];
}

const CATALOG_TTL_MS = 60_000;

/** The enabled providers by name. Only the composition root and test harnesses register them. */
export class ProviderRegistry {
  private readonly entries = new Map<string, RegisteredProvider>();
  private readonly catalogs = new Map<string, { offerings: InstanceTypeOffering[]; skipMark: number; fetchedAt: number }>();
  private readonly refreshing = new Map<string, Promise<unknown>>();
  /** The registrations that take the capacity-signals port, by provider name. */
  private readonly capacityBinders = new Map<string, (signals: CapacitySignals) => void>();
  /** Providers a reload removed while they still own live instances: reconciled, but given no new work. */
  private readonly retiring = new Set<string>();
  /** Candidates of a shadow run or a ramp: reconciled, reached by the ramp's share of work only (never by placement on their own). */
  private readonly candidates = new Set<string>();
  /** A shadow run's observer of an adapter's reads, by adapter name. */
  private readonly readTaps = new Map<string, ReadTap>();
  /** Called with a provider's name when a background catalog refresh fails (the stale catalog stays). */
  onRefreshError: (provider: string, error: unknown) => void = () => {};

  register<TInstance extends ProviderInstance, TSnapshot extends ProviderSnapshot, TCaps extends CapabilityDeclaration>(
    registration: ProviderRegistration<TInstance, TSnapshot, TCaps>,
  ): RegisteredProvider {
    const name = registration.name ?? registration.provider.name;
    if (this.entries.has(name)) throw new Error(`provider ${name} is registered twice`);
    const kind = registration.provider.name;
    const entry: RegisteredProvider = {
      name,
      kind,
      provider: withReadTap(renameProvider(projectProvider(registration.provider), name), () => this.readTaps.get(name)),
      hooks: registration.hooks,
      workflows: registration.workflows ?? {},
      chaos: registration.chaos ?? null,
      skippedEntries: registration.skippedEntries ?? null,
      poolLauncher: registration.poolLauncher === undefined ? null : renamePoolLauncher(projectPoolLauncher(registration.poolLauncher), kind, name),
      readiness: registration.readiness ?? null,
      contracts: registration.contracts ?? [],
    };
    this.entries.set(name, entry);
    if (registration.bindCapacitySignals !== undefined) this.capacityBinders.set(name, registration.bindCapacitySignals);
    return entry;
  }

  /**
   * Binds every registration that takes one to its provider's capacity-signals port (the control
   * plane's capacity-error cache), so a provider's own findings and the cache are one. Called once,
   * when the cache is loaded.
   */
  bindCapacitySignals(signalsFor: (provider: string) => CapacitySignals): void {
    for (const [name, bind] of this.capacityBinders) bind(signalsFor(name));
  }

  get(name: string): RegisteredProvider | undefined {
    return this.entries.get(name);
  }

  /** Stops giving the provider new work (spawns, placement); it stays registered, so its instances are still reconciled and terminated. */
  retire(name: string): void {
    if (this.entries.has(name)) this.retiring.add(name);
  }

  /** Takes a retiring provider back (a reload named it again). */
  unretire(name: string): void {
    this.retiring.delete(name);
  }

  isRetiring(name: string): boolean {
    return this.retiring.has(name);
  }

  /** Marks (or unmarks) the adapter a rollout's candidate: placement leaves it out; the ramp sends it its share. */
  setCandidate(name: string, candidate: boolean): void {
    if (candidate && this.entries.has(name)) this.candidates.add(name);
    else this.candidates.delete(name);
  }

  isCandidate(name: string): boolean {
    return this.candidates.has(name);
  }

  /** `retiring` (removed, still reconciled), `candidate` (a rollout's), or `active`. */
  state(name: string): 'active' | 'candidate' | 'retiring' {
    return this.retiring.has(name) ? 'retiring' : this.candidates.has(name) ? 'candidate' : 'active';
  }

  /** Installs (or, with undefined, removes) the observer of an adapter's reads (a shadow run). */
  setReadTap(name: string, tap: ReadTap | undefined): void {
    if (tap === undefined) this.readTaps.delete(name);
    else this.readTaps.set(name, tap);
  }

  /** The providers that take new work on their own (placement's chains), sorted: neither retiring nor a rollout's candidate. */
  activeNames(): string[] {
    return this.names().filter((name) => !this.retiring.has(name) && !this.candidates.has(name));
  }

  /** Forgets the provider (a retiring one whose last instance is gone); answers its entry. */
  remove(name: string): RegisteredProvider | undefined {
    const entry = this.entries.get(name);
    this.entries.delete(name);
    this.retiring.delete(name);
    this.candidates.delete(name);
    this.readTaps.delete(name);
    this.catalogs.delete(name);
    this.capacityBinders.delete(name);
    return entry;
  }

  /** The provider a route names, or 404 PROVIDER_NOT_FOUND listing the known ones. */
  require(name: string): RegisteredProvider {
    const entry = this.entries.get(name);
    if (!entry) throw new ApiError(404, 'PROVIDER_NOT_FOUND', `no enabled provider named ${name}`, { known: this.names() });
    return entry;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  all(): RegisteredProvider[] {
    return this.names().map((name) => this.entries.get(name) as RegisteredProvider);
  }

  /** The provider's catalog, cached for a minute: spawn validation reads it on every request. */
  async instanceTypes(entry: RegisteredProvider, now = Date.now()): Promise<InstanceTypeOffering[]> {
    return (await this.cachedCatalog(entry, now)).offerings;
  }

  /** The cached catalog with the entries its fetch skipped (those the provider's log recorded after the fetch began). */
  async catalog(entry: RegisteredProvider, now = Date.now()): Promise<CatalogView> {
    const cached = await this.cachedCatalog(entry, now);
    return {
      offerings: cached.offerings,
      fetchedAt: new Date(cached.fetchedAt).toISOString(),
      skipped: entry.skippedEntries?.since('instance-type', cached.skipMark) ?? [],
    };
  }

  /**
   * The last catalog without calling the vendor (placement's read: a request never waits on a
   * vendor). A catalog past its minute is refreshed in the background; none yet starts the first
   * read and answers null.
   */
  peekCatalog(entry: RegisteredProvider, now = Date.now()): { offerings: InstanceTypeOffering[]; fetchedAt: string } | null {
    const cached = this.catalogs.get(entry.name);
    if (!cached || now - cached.fetchedAt >= CATALOG_TTL_MS) this.refreshInBackground(entry);
    return cached ? { offerings: cached.offerings, fetchedAt: new Date(cached.fetchedAt).toISOString() } : null;
  }

  /** Reads the catalog again now (the heartbeat's refresh); concurrent calls share one read. */
  async refreshCatalog(entry: RegisteredProvider): Promise<InstanceTypeOffering[]> {
    const running = this.refreshing.get(entry.name);
    if (running) return (await running) as InstanceTypeOffering[];
    const read = this.fetchCatalog(entry, Date.now()).then((fresh) => fresh.offerings);
    this.refreshing.set(entry.name, read);
    try {
      return await read;
    } finally {
      this.refreshing.delete(entry.name);
    }
  }

  /** Every provider's catalog read once (start-up warm-up; tests await it). Failures are reported, not thrown. */
  async warmCatalogs(): Promise<void> {
    await Promise.all(this.all().map((entry) => this.refreshCatalog(entry).catch((error: unknown) => this.onRefreshError(entry.name, error))));
  }

  private refreshInBackground(entry: RegisteredProvider): void {
    if (this.refreshing.has(entry.name)) return;
    this.refreshCatalog(entry).catch((error: unknown) => this.onRefreshError(entry.name, error));
  }

  private async cachedCatalog(entry: RegisteredProvider, now: number): Promise<{ offerings: InstanceTypeOffering[]; skipMark: number; fetchedAt: number }> {
    const cached = this.catalogs.get(entry.name);
    if (cached && now - cached.fetchedAt < CATALOG_TTL_MS) return cached;
    return this.fetchCatalog(entry, now);
  }

  private async fetchCatalog(entry: RegisteredProvider, now: number): Promise<{ offerings: InstanceTypeOffering[]; skipMark: number; fetchedAt: number }> {
    // The log's own mark, not a clock: a provider may run on an injected clock.
    const skipMark = entry.skippedEntries?.mark() ?? 0;
    const offerings = await entry.provider.instanceTypes();
    const fresh = { offerings, skipMark, fetchedAt: now };
    this.catalogs.set(entry.name, fresh);
    return fresh;
  }
}

/** Exit: a pool launcher whose machine is the generic instance, as the projected provider's are. */
function projectPoolLauncher(launcher: PoolLauncher): PoolLauncher {
  return {
    maxPools: (request) => launcher.maxPools(request),
    async launch(request, call) {
      const result = await launcher.launch(request, call);
      return result.instance === null ? result : { instance: projectInstance(result.instance), tries: result.tries };
    },
  };
}

/** A pool launcher whose errors carry the adapter's name (see `renameProvider`). */
function renamePoolLauncher(launcher: PoolLauncher, kind: string, name: string): PoolLauncher {
  if (kind === name) return launcher;
  return { maxPools: renameErrors(launcher.maxPools, kind, name), launch: renameErrors(launcher.launch, kind, name) };
}
