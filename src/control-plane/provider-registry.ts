import {
  type CapabilityDeclaration,
  type InstanceTypeOffering,
  type Provider,
  type ProviderHooks,
  type ProviderChaosControl,
  type ProviderInstance,
  type ProviderRegistration,
  type ProviderSnapshot,
  type ProviderWorkflow,
  projectProvider,
} from '../contracts/index.js';
import { ApiError } from './api-error.js';

export interface RegisteredProvider {
  readonly name: string;
  /** Projected: returns only the generic instance and snapshot types. */
  readonly provider: Provider;
  readonly hooks: ProviderHooks;
  readonly workflows: Readonly<Record<string, ProviderWorkflow>>;
  readonly chaos: ProviderChaosControl | null;
}

const CATALOG_TTL_MS = 60_000;

/** The enabled providers by name. Only the composition root and test harnesses register them. */
export class ProviderRegistry {
  private readonly entries = new Map<string, RegisteredProvider>();
  private readonly catalogs = new Map<string, { offerings: InstanceTypeOffering[]; fetchedAt: number }>();

  register<TInstance extends ProviderInstance, TSnapshot extends ProviderSnapshot, TCaps extends CapabilityDeclaration>(
    registration: ProviderRegistration<TInstance, TSnapshot, TCaps>,
  ): RegisteredProvider {
    const name = registration.provider.name;
    if (this.entries.has(name)) throw new Error(`provider ${name} is registered twice`);
    const entry: RegisteredProvider = {
      name,
      provider: projectProvider(registration.provider),
      hooks: registration.hooks,
      workflows: registration.workflows ?? {},
      chaos: registration.chaos ?? null,
    };
    this.entries.set(name, entry);
    return entry;
  }

  get(name: string): RegisteredProvider | undefined {
    return this.entries.get(name);
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
    const cached = this.catalogs.get(entry.name);
    if (cached && now - cached.fetchedAt < CATALOG_TTL_MS) return cached.offerings;
    const offerings = await entry.provider.instanceTypes();
    this.catalogs.set(entry.name, { offerings, fetchedAt: now });
    return offerings;
  }
}
