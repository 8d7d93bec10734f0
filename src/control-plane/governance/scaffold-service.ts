import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ProviderContractCase, ProviderRegistration } from '../../contracts/index.js';
import { type ComputeTarget, type ConformanceReport, conformanceReportJson, runConformance } from '../../governance/conformance/index.js';
import { parseProviderRegistry } from '../../governance/provider-name-registry.js';
import {
  type FactoryPlan,
  type FileAction,
  type ScaffoldPlan,
  ScaffoldInputError,
  applyFactoryInsertion,
  applyScaffold,
  factoryKeys,
  factoryRegistration,
  isScaffolded,
  planFactoryInsertion,
  planScaffold,
  readFactorySource,
  scaffoldFiles,
  scaffoldPaths,
  templateConfigSchema,
  validateVendorName,
  vendorNames,
  writeFileAtomic,
} from '../../governance/scaffold/index.js';
import { withDeadline } from '../../lib/with-deadline.js';
import { ApiError } from '../api-error.js';
import { newId } from '../ids.js';
import { LLM_PROVIDER_KINDS } from '../llm/llm-settings.js';
import type { Logger } from '../logger.js';
import type { StoredConformanceReport } from '../store/conformance-report-store.js';
import { computeSpendDecision } from './conformance-spend-guard.js';
import { conformanceOwners, machinesOf, sweepConformanceLeftovers } from './conformance-targets.js';
import { type ProvidersFileChange, ProvidersFileError, planProvidersFileChange } from './scaffold-providers-file.js';

/** The capabilities a scaffold request may name; only compute adapters are generated. */
export const SCAFFOLD_CAPABILITIES = ['compute', 'llm_gateway'] as const;

/** `POST /self/providers/scaffold`'s body (and `npm run scaffold`'s flags). */
export const ScaffoldRequestSchema = z
  .object({
    capability: z.enum(SCAFFOLD_CAPABILITIES),
    /** The new provider kind: lower-case kebab (`acme`, `acme-cloud`); checked in full by the scaffold. */
    vendor: z.string().min(1).max(64),
    /** The adapter's settings, recorded under `adapters.<vendor>` in the providers file (and used for the conformance run). */
    config: z.record(z.string(), z.unknown()).optional(),
    /** Also map the vendor under `capabilities.compute` (enabling it at the next start). */
    map: z.boolean().default(false),
  })
  .strict();
export type ScaffoldRequest = z.infer<typeof ScaffoldRequestSchema>;

export interface ScaffoldAnswer {
  vendor: string;
  capability: 'compute';
  /** True: nothing was written and nothing run (CI=true, or --dry-run); the actions say what would happen. */
  dryRun: boolean;
  /** The source checkout the files go into. */
  root: string;
  /** Each generated file, relative to the root: `create` (written; would be, in a dry run), `unchanged`, or `kept` (edited by someone: never overwritten). */
  files: { path: string; action: FileAction }[];
  /** The PROVIDER_FACTORIES entry in src/provider-factories.ts. */
  factory: { path: string; action: FactoryPlan['action']; reason: string | null };
  /** The conformance kit's run over the generated provider; null in a dry run, or when it could not run (see notes). */
  conformance: {
    summary: { total: number; passed: number; failed: number; skipped: number };
    pass: boolean;
    /** `<dataDir>/reports/conformance/compute-<vendor>.json`. */
    report: string;
    /** False when the file already held this outcome (the same cases, statuses and errors): it is left as it is. */
    written: boolean;
  } | null;
  /** The providers file (PROVIDERS_CONFIG_PATH); null when none is configured or it cannot be changed safely (see notes). */
  providersFile: {
    path: string;
    format: 'json' | 'yaml';
    adapterRecorded: 'added' | 'unchanged';
    mapped: 'added' | 'unchanged' | 'not_requested';
  } | null;
  /** What happened that a human should know. */
  notes: string[];
  /** What remains for a human. */
  nextSteps: string[];
}

export interface ScaffoldServiceOptions {
  /** Where the conformance report goes: `<dataDir>/reports/conformance/compute-<vendor>.json`. */
  dataDir: string;
  logger: Logger;
  /**
   * The source checkout to write into; default the one this module runs from (three folders above it).
   * Null: the scaffold is off (an embedded control plane, tests): every request is 409 NOT_A_SOURCE_CHECKOUT.
   */
  sourceRoot?: string | null;
  /** The environment a request is served with when `scaffold` is given none (PROVIDERS_CONFIG_PATH, CI, the adapter's variables). */
  env?: NodeJS.ProcessEnv;
  /** The provider kinds the running process knows (the composition root's registry: compute and LLM); a vendor may not reuse one. */
  knownKinds?: () => readonly string[];
  /** The control plane's owner; the conformance run's machines carry `<owner>-conformance`. */
  owner?: string;
  /** The kit's per-call deadline (default 30 s). */
  operationTimeoutMs?: number;
  /** This module's URL (tests: a module running from dist/ is no source checkout). */
  moduleUrl?: string;
}

/** The checkout this module belongs to: src/control-plane/governance/ is three folders below it. */
export const DEFAULT_SOURCE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Why `root` is not a source checkout the scaffold can write into, or null when it is one. */
export function sourceCheckoutProblem(root: string, moduleUrl: string = import.meta.url): string | null {
  if (!fileURLToPath(moduleUrl).endsWith('.ts')) return 'the server runs compiled code (dist/), not its TypeScript sources';
  let name: unknown;
  try {
    name = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown }).name;
  } catch (error) {
    return `${join(root, 'package.json')} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  if (name !== 'hangar') return `${join(root, 'package.json')} names package ${JSON.stringify(name)}, not hangar`;
  for (const file of ['src/provider-factories.ts', 'tsconfig.json']) if (!existsSync(join(root, file))) return `${join(root, file)} does not exist`;
  return null;
}

const PLACEHOLDER_SPAWNABLE = { instanceType: 'scaffold-no-instance-type', region: 'scaffold-no-region' } as const;
const SPAWNABLE_DEADLINE_MS = 30_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registration loaded from a generated module: whatever it declares.
type AnyRegistration = ProviderRegistration<any, any, any>;

/** A spawn the provider accepts, from its catalog; a placeholder when it has none yet (the cases that need one then fail on their own). */
async function spawnableOf(registration: AnyRegistration): Promise<{ instanceType: string; region: string }> {
  try {
    const offerings = await withDeadline(SPAWNABLE_DEADLINE_MS, () => new Error('instanceTypes did not answer in time'), (signal) => registration.provider.instanceTypes({ signal }));
    const offering = offerings.find((candidate) => candidate.regions.length > 0);
    const region = offering?.regions[0]?.region;
    return offering !== undefined && region !== undefined ? { instanceType: offering.name, region } : { ...PLACEHOLDER_SPAWNABLE };
  } catch {
    return { ...PLACEHOLDER_SPAWNABLE };
  }
}

/**
 * The generated provider as a conformance target, as the server's runs see a registered provider
 * (src/control-plane/governance/conformance-targets.ts): the run's own owners, a shared account. When
 * the harness saw a case make nothing, cleanup still sweeps the run's owners but does not fail the
 * case if the provider cannot list yet (a skeleton makes nothing it could leave behind).
 */
function scaffoldTarget(vendor: string, registration: AnyRegistration, owner: string): ComputeTarget {
  const owners = conformanceOwners(owner);
  const contracts: readonly ProviderContractCase[] = registration.contracts ?? [];
  let spawnable: Promise<{ instanceType: string; region: string }> | null = null;
  return {
    capability: 'compute',
    adapter: vendor,
    contractCases: contracts,
    async create() {
      spawnable ??= spawnableOf(registration);
      return {
        provider: registration.provider,
        hooks: registration.hooks,
        chaos: registration.chaos ?? null,
        contracts,
        spawnable: await spawnable,
        image: null,
        owner: owners.owner,
        foreignOwner: owners.foreignOwner,
        sharedAccount: true,
        cleanup: async (made) => {
          const sweep = sweepConformanceLeftovers(registration.provider, made, [owners.owner, owners.foreignOwner]);
          if (made.machines.size + made.snapshots.size + made.volumes.size > 0) return sweep;
          await sweep.catch(() => undefined);
        },
      };
    },
  };
}

/** The parts of a report that say what happened (not when, nor how fast): a report file holding the same is not rewritten. */
function outcomeOf(report: Pick<StoredConformanceReport, 'capability' | 'adapter' | 'pass' | 'target' | 'errors' | 'cases' | 'isolation'>): string {
  return JSON.stringify({
    capability: report.capability,
    adapter: report.adapter,
    pass: report.pass,
    target: report.target,
    errors: report.errors,
    isolation: report.isolation ?? null,
    cases: report.cases.map((entry) => [entry.id, entry.status, entry.reason ?? null, entry.error ?? null, entry.error_class ?? null]),
  });
}

/** A zod schema from a loaded module (checked by shape: the module may sit in another checkout, with its own copy of zod). */
const isSchema = (value: unknown): value is z.ZodType => typeof value === 'object' && value !== null && typeof (value as { safeParse?: unknown }).safeParse === 'function';

interface Loaded {
  registration: AnyRegistration | null;
  /** The endpoints the adapter's calls go to, when its registration module says (`<camel>Endpoints`). */
  endpoints: string[] | undefined;
  problem: string | null;
}

/**
 * The provider scaffold (docs/governance.md): generates a new compute adapter's skeleton in a source
 * checkout, registers its kind, runs the conformance kit on it, records it in the providers file. One
 * run at a time; idempotent (a second identical call writes nothing new, and an edited file is never
 * overwritten).
 */
export class ScaffoldService {
  private running = false;
  /** Null when the scaffold is off. */
  readonly sourceRoot: string | null;

  constructor(private readonly options: ScaffoldServiceOptions) {
    this.sourceRoot = options.sourceRoot === null ? null : resolve(options.sourceRoot ?? DEFAULT_SOURCE_ROOT);
  }

  /**
   * Validates the request, then plans; with `CI=true` in `env` (or `dryRun`) answers the plan and
   * stops; else writes, runs the conformance kit and records the adapter. Throws ApiError: 422 for a bad
   * request (nothing written), 409 when the root is no source checkout, the vendor is an existing kind,
   * or a scaffold is already running.
   */
  async scaffold(raw: unknown, env: NodeJS.ProcessEnv = this.options.env ?? process.env, options: { dryRun?: boolean } = {}): Promise<ScaffoldAnswer> {
    const started = performance.now();
    const dryRun = options.dryRun === true || env.CI === 'true';
    const vendorOf = (value: unknown) => (typeof value === 'object' && value !== null && typeof (value as { vendor?: unknown }).vendor === 'string' ? (value as { vendor: string }).vendor : null);
    const log = (errorClass: string | null, extra: Record<string, unknown> = {}) =>
      this.options.logger.info('provider scaffold', {
        capability: 'compute',
        adapter: vendorOf(raw),
        dry_run: dryRun,
        latency_ms: Math.round((performance.now() - started) * 10) / 10,
        attempts: 1,
        error_class: errorClass,
        ...extra,
      });
    if (this.running) {
      const busy = new ApiError(409, 'SCAFFOLD_IN_PROGRESS', 'a scaffold is under way; one runs at a time');
      log(busy.code);
      throw busy;
    }
    this.running = true;
    try {
      const answer = await this.run(raw, env, dryRun);
      log(null, { files_created: answer.files.filter((file) => file.action === 'create').length, conformance_pass: answer.conformance?.pass ?? null });
      return answer;
    } catch (error) {
      log(error instanceof ApiError ? error.code : error instanceof Error ? error.name : 'UNKNOWN_ERROR');
      throw error;
    } finally {
      this.running = false;
    }
  }

  private async run(raw: unknown, env: NodeJS.ProcessEnv, dryRun: boolean): Promise<ScaffoldAnswer> {
    const request = this.parse(raw);
    const root = this.sourceRoot;
    if (root === null) {
      throw new ApiError(409, 'NOT_A_SOURCE_CHECKOUT', 'this control plane was started without a source checkout to write into (embedded use); the scaffold runs from `npm start` or `npm run scaffold` in a checkout');
    }
    const problem = sourceCheckoutProblem(root, this.options.moduleUrl);
    if (problem !== null) throw new ApiError(409, 'NOT_A_SOURCE_CHECKOUT', `the scaffold writes into a source checkout, and ${root} is not one: ${problem}`, { root });
    const { vendor } = request;
    const paths = scaffoldPaths(vendor);
    this.refuseExistingKind(root, vendor);

    const plan = planScaffold(root, scaffoldFiles({ vendor }));
    const factorySource = readFactorySource(root);
    const factoryPlan = planFactoryInsertion(factorySource, factoryRegistration(vendor));
    const notes: string[] = [];
    const actionOf = (path: string) => plan.files.find((file) => file.path === path)?.action;
    const config = request.config ?? {};
    await this.checkConfig(plan, vendor, config, dryRun, notes);
    const providersPath = env.PROVIDERS_CONFIG_PATH ? resolve(env.PROVIDERS_CONFIG_PATH) : null;
    const providersChange = this.planProvidersFile(providersPath, { vendor, config, map: request.map }, notes);

    if (dryRun) {
      notes.push(env.CI === 'true' ? 'CI=true: a dry run; nothing was written and nothing run' : 'a dry run; nothing was written and nothing run');
      return this.answer({ vendor, root, dryRun, files: plan.files, factory: factoryPlan, conformance: null, providersPath, providersChange, notes });
    }

    const files = applyScaffold(plan);
    for (const file of files) if (file.action === 'kept' && actionOf(file.path) === 'create') notes.push(`${file.path} appeared while the scaffold ran: it was not overwritten`);
    const factory = applyFactoryInsertion(root, factoryPlan);
    if (providersPath !== null && providersChange !== null && providersChange.after !== null) writeFileAtomic(providersPath, providersChange.after);

    const sourceActions = [paths.config, paths.errors, paths.provider, paths.registration].map((path) => files.find((file) => file.path === path)?.action);
    const skeleton = sourceActions.every((action) => action === 'create' || action === 'unchanged');
    const conformance = await this.conformance(root, vendor, config, env, skeleton, notes);
    return this.answer({ vendor, root, dryRun, files, factory, conformance, providersPath, providersChange, notes });
  }

  private parse(raw: unknown): ScaffoldRequest & { capability: 'compute' } {
    const parsed = ScaffoldRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(root)',
        message: issue.code === 'unrecognized_keys' ? `${issue.message} (a scaffold request holds capability, vendor, config and map)` : issue.message,
      }));
      throw new ApiError(422, 'VALIDATION_ERROR', `invalid body: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, { issues });
    }
    const request = parsed.data;
    if (request.capability === 'llm_gateway') {
      throw new ApiError(
        422,
        'SCAFFOLD_UNSUPPORTED',
        'the scaffold generates compute adapters only: an LLM provider is added as an OpenAI-compatible gateway under llm.providers (a name, `kind: openai` and its baseUrl), no code needed; see docs/llm-gateway.md',
        { capability: 'llm_gateway' },
      );
    }
    try {
      validateVendorName(request.vendor);
    } catch (error) {
      if (error instanceof ScaffoldInputError) throw new ApiError(422, error.code, error.message, { field: 'vendor' });
      throw error;
    }
    return { ...request, capability: 'compute' };
  }

  /**
   * A vendor may not reuse a provider kind: a compute kind the checkout's factories or its vendored
   * registry name, one the running process knows, or an LLM kind. A kind the scaffold made itself
   * (its files carry the scaffold's header) is the same call again, and goes on.
   */
  private refuseExistingKind(root: string, vendor: string): void {
    const paths = scaffoldPaths(vendor);
    const sources = [paths.config, paths.errors, paths.provider, paths.registration].map((path) => join(root, ...path.split('/')));
    const scaffolded = sources.some((path) => existsSync(path) && isScaffolded(readFileSync(path, 'utf8'), vendor));
    const kinds = new Set<string>(LLM_PROVIDER_KINDS);
    const compute = new Set<string>([...(factoryKeys(readFactorySource(root) ?? '') ?? []), ...(this.options.knownKinds?.() ?? [])]);
    try {
      for (const entry of parseProviderRegistry(readFileSync(join(root, 'contracts', 'provider-registry.json'), 'utf8')).providers) compute.add(entry.name);
    } catch {
      // No vendored registry (or an unreadable one): the factories and the running process still say.
    }
    if (!scaffolded) for (const kind of compute) kinds.add(kind);
    try {
      validateVendorName(vendor, kinds);
    } catch (error) {
      if (error instanceof ScaffoldInputError) throw new ApiError(409, error.code, error.message, { field: 'vendor' });
      throw error;
    }
    if (!scaffolded && existsSync(join(root, 'src', 'providers', vendor))) {
      throw new ApiError(409, 'PROVIDER_KIND_EXISTS', `src/providers/${vendor} exists and was not made by the scaffold; the scaffold makes new adapters only`, { field: 'vendor' });
    }
  }

  /** The request's config against the adapter's config schema: the template's, or the edited file's own (loaded) when someone changed it. */
  private async checkConfig(plan: ScaffoldPlan, vendor: string, config: Record<string, unknown>, dryRun: boolean, notes: string[]): Promise<void> {
    const file = plan.files.find((entry) => entry.path === scaffoldPaths(vendor).config);
    let schema: z.ZodType = templateConfigSchema(vendor);
    if (file?.action === 'kept') {
      if (dryRun) {
        notes.push(`${file.path} was edited: the config was not checked against it in a dry run (that would load it)`);
        return;
      }
      const loaded = (await import(pathToFileURL(file.absolutePath).href).catch(() => null)) as Record<string, unknown> | null;
      const own = loaded?.[`${vendorNames(vendor).pascal}ConfigSchema`];
      if (isSchema(own)) schema = own;
      else notes.push(`${file.path} was edited and does not export ${vendorNames(vendor).pascal}ConfigSchema as it did: the config was checked against the template's schema`);
    }
    const parsed = schema.safeParse(config);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: ['config', ...issue.path.map(String)].join('.'), message: issue.message }));
      throw new ApiError(422, 'VALIDATION_ERROR', `invalid body: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, { issues });
    }
  }

  private planProvidersFile(path: string | null, request: { vendor: string; config: Record<string, unknown>; map: boolean }, notes: string[]): ProvidersFileChange | null {
    if (path === null) {
      notes.push('no providers file is configured (PROVIDERS_CONFIG_PATH): none was created; add the adapter to the configuration by hand');
      return null;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      notes.push(`the providers file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): it was not created or changed`);
      return null;
    }
    try {
      const change = planProvidersFileChange(text, request);
      notes.push(...change.notes);
      return change;
    } catch (error) {
      if (!(error instanceof ProvidersFileError)) throw error;
      notes.push(`the providers file ${path} was left as it is: ${error.message}`);
      return null;
    }
  }

  /** Loads the generated registration (a dynamic import: tsx and vitest compile it) and builds it with the request's config. */
  private async load(root: string, vendor: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<Loaded> {
    const names = vendorNames(vendor);
    const paths = scaffoldPaths(vendor);
    const fail = (problem: string): Loaded => ({ registration: null, endpoints: undefined, problem });
    let registrationModule: Record<string, unknown>;
    let configModule: Record<string, unknown>;
    try {
      configModule = (await import(pathToFileURL(join(root, ...paths.config.split('/'))).href)) as Record<string, unknown>;
      registrationModule = (await import(pathToFileURL(join(root, ...paths.registration.split('/'))).href)) as Record<string, unknown>;
    } catch (error) {
      return fail(`the generated provider does not load: ${error instanceof Error ? error.message : String(error)}`);
    }
    const schema = configModule[`${names.pascal}ConfigSchema`];
    const create = registrationModule[`create${names.pascal}Registration`];
    const endpointsOf = registrationModule[`${names.camel}Endpoints`];
    if (!isSchema(schema)) return fail(`${paths.config} exports no ${names.pascal}ConfigSchema`);
    if (typeof create !== 'function') return fail(`${paths.registration} exports no create${names.pascal}Registration`);
    const parsed = schema.safeParse(config);
    if (!parsed.success) return fail(`the config does not validate against ${paths.config}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
    try {
      const registration = (create as (config: unknown, context: { env: NodeJS.ProcessEnv }) => AnyRegistration)(parsed.data, { env });
      const endpoints = typeof endpointsOf === 'function' ? (endpointsOf as (config: unknown, env: NodeJS.ProcessEnv) => string[])(parsed.data, env) : undefined;
      return { registration, endpoints, problem: null };
    } catch (error) {
      return fail(`create${names.pascal}Registration failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Runs the kit's compute cases on the generated provider, as `POST /providers/conformance/run` does
   * under target emulator, and writes the report. The untouched skeleton calls nothing, so it always
   * runs; once its files are edited the spend guard applies: it runs only when every endpoint is loopback.
   */
  private async conformance(root: string, vendor: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv, skeleton: boolean, notes: string[]): Promise<ScaffoldAnswer['conformance']> {
    const loaded = await this.load(root, vendor, config, env);
    const { registration } = loaded;
    if (registration === null) {
      notes.push(`the conformance kit did not run: ${loaded.problem ?? 'no registration'}`);
      return null;
    }
    if (registration.provider.name !== vendor) notes.push(`the provider names itself "${String(registration.provider.name)}", not "${vendor}": the registry registers it under its own name`);
    if (!skeleton) {
      const decision = computeSpendDecision({ tier: registration.provider.tier, endpoints: loaded.endpoints }, 'emulator', false);
      if (!decision.run) {
        notes.push(`the conformance kit did not run: the provider's files were edited, so it may call ${vendor}; ${decision.why} (point HANGAR_${vendorNames(vendor).constant}_URL at a loopback emulator, or use POST /providers/conformance/run)`);
        return null;
      }
    }
    const owner = this.options.owner ?? 'hangar';
    const base = { run_id: newId('cfrun'), target: 'emulator' as const, capability: 'compute' as const, adapter: vendor };
    let report: ConformanceReport | undefined;
    const errors: string[] = [];
    let isolation: StoredConformanceReport['isolation'];
    try {
      await registration.hooks.onStartup?.();
      [report] = await runConformance([scaffoldTarget(vendor, registration, owner)], {
        ...(this.options.operationTimeoutMs !== undefined && { operationTimeoutMs: this.options.operationTimeoutMs }),
        onCall: (event) =>
          this.options.logger.debug('conformance call', { run_id: base.run_id, capability: event.capability, adapter: event.adapter, operation: event.operation, latency_ms: event.latency_ms, attempts: event.attempts, error_class: event.errorClass }),
      });
      const owners = conformanceOwners(owner);
      try {
        const remaining = await machinesOf(registration.provider, [owners.owner, owners.foreignOwner]);
        isolation = { owners: [owners.owner, owners.foreignOwner], remaining: remaining.length };
        if (remaining.length > 0) errors.push(`isolation: ${remaining.length} live machine(s) still carry the run's owners after cleanup: ${remaining.join(', ')}`);
      } catch (error) {
        errors.push(`isolation: not proven: listing the run's owners failed (${error instanceof Error ? error.message : String(error)})`);
      }
    } catch (error) {
      notes.push(`the conformance kit did not run to the end: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    } finally {
      await registration.hooks.onShutdown?.().catch(() => undefined);
    }
    if (report === undefined) {
      notes.push('the conformance kit answered no report');
      return null;
    }
    const stored: StoredConformanceReport = {
      ...report,
      ...base,
      pass: report.pass && errors.length === 0,
      errors: [...report.errors, ...errors],
      created_at: new Date().toISOString(),
      ...(isolation !== undefined && { isolation }),
    };
    const path = join(this.options.dataDir, 'reports', 'conformance', `compute-${vendor}.json`);
    let previous: string | null = null;
    try {
      previous = outcomeOf(JSON.parse(readFileSync(path, 'utf8')) as StoredConformanceReport);
    } catch {
      // No report yet, or one that does not read: it is written.
    }
    const written = previous !== outcomeOf(stored);
    if (written) writeFileAtomic(path, conformanceReportJson(stored));
    const count = (status: string) => stored.cases.filter((entry) => entry.status === status).length;
    return {
      summary: { total: stored.cases.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
      pass: stored.pass,
      report: path,
      written,
    };
  }

  private answer(parts: {
    vendor: string;
    root: string;
    dryRun: boolean;
    files: readonly { path: string; action: FileAction }[];
    factory: FactoryPlan;
    conformance: ScaffoldAnswer['conformance'];
    providersPath: string | null;
    providersChange: ProvidersFileChange | null;
    notes: string[];
  }): ScaffoldAnswer {
    const { vendor, factory } = parts;
    const names = vendorNames(vendor);
    const paths = scaffoldPaths(vendor);
    const providersFile =
      parts.providersPath !== null && parts.providersChange !== null
        ? { path: parts.providersPath, format: parts.providersChange.format, adapterRecorded: parts.providersChange.adapterRecorded, mapped: parts.providersChange.mapped }
        : null;
    const nextSteps = [
      `Implement the methods of ${paths.provider} (each throws "not implemented yet: <method>"), the error table of ${paths.errors} and the default API root of ${paths.config}; declare each capability flag true as it starts working.`,
      ...(factory.action === 'kept' ? [`Register ${vendor} in ${factory.path} by hand (${factory.reason ?? 'it was left as it is'}): the import lines and entry are in docs/governance.md.`] : []),
      `Run \`npm run contracts:check -- --write\` and commit contracts/: the registry of provider names now has ${vendor}.`,
      `Add '${vendor}' to the provider lists of eslint.config.js (the per-provider layer rules), so ${paths.provider.replace(/\/[^/]+$/, '/')} is held to them.`,
      `Add ${names.constant}_COMPLIANCE_FACTORY (${paths.complianceFactory}) to COMPLIANCE_FACTORIES in tests/compliance/provider-factories.ts once it points at a loopback emulator.`,
      `Set ${names.constant}_API_KEY (or the variable apiKeyEnv names) where the control plane runs.`,
      `Restart the control plane to load the new kind: the running process was built without it, so until then a reload refuses a providers file that names ${vendor}.`,
      `Run \`npm run scaffold -- --vendor ${vendor}\` again after each change to re-run the conformance kit (a running server loads the generated files once).`,
    ];
    return {
      vendor,
      capability: 'compute',
      dryRun: parts.dryRun,
      root: parts.root,
      files: parts.files.map((file) => ({ path: file.path, action: file.action })),
      factory: { path: factory.path, action: factory.action, reason: factory.reason },
      conformance: parts.conformance,
      providersFile,
      notes: parts.notes,
      nextSteps,
    };
  }
}
