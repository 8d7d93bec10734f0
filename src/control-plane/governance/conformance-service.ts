import { z } from 'zod';
import type { ProviderContractCase } from '../../contracts/index.js';
import {
  CONFORMANCE_CAPABILITIES,
  type ConformanceCapability,
  type ConformanceTarget,
  runConformance,
  sortReports,
} from '../../governance/conformance/index.js';
import { ApiError } from '../api-error.js';
import { newId } from '../ids.js';
import type { LlmProviderSetup } from '../llm/llm-providers.js';
import type { Logger } from '../logger.js';
import type { ProviderRegistry } from '../provider-registry.js';
import type { ConformanceReportStore, StoredConformanceReport } from '../store/conformance-report-store.js';
import { CONFORMANCE_TARGETS, type ConformanceTargetKind, type SpendDecision, computeSpendDecision, llmSpendDecision } from './conformance-spend-guard.js';
import { computeConformanceTarget, conformanceOwners, llmConformanceTarget, machinesOf } from './conformance-targets.js';

/** `POST /providers/conformance/run`'s body. */
export const ConformanceRunBodySchema = z
  .object({
    capability: z.enum(CONFORMANCE_CAPABILITIES).optional(),
    adapter: z.string().min(1).max(64).optional(),
    target: z.enum(CONFORMANCE_TARGETS).default('emulator'),
    allowSpend: z.boolean().default(false),
  })
  .strict();
export type ConformanceRunBody = z.infer<typeof ConformanceRunBodySchema>;

export interface ConformanceRunAnswer {
  run_id: string;
  target: ConformanceTargetKind;
  summary: { total: number; passed: number; failed: number; skipped: number };
  reports: StoredConformanceReport[];
}

export interface ConformanceServiceOptions {
  registry: ProviderRegistry;
  /** The LLM providers and the gateway's runtime. */
  llm: Pick<LlmProviderSetup, 'entries' | 'runtime'>;
  /** The control plane's owner; the run's machines carry `<owner>-conformance`. */
  owner: string;
  logger: Logger;
  store: ConformanceReportStore;
  /** Where each compute provider's calls go, by provider name (the composition root reads them from each provider's config). */
  providerEndpoints: Readonly<Record<string, readonly string[]>>;
  /** The provider's own contract cases (its registration's `contracts`). */
  contractsOf(provider: string): readonly ProviderContractCase[];
  /** The kit's per-call deadline (default 30 s). */
  operationTimeoutMs?: number;
}

interface Candidate {
  capability: ConformanceCapability;
  adapter: string;
  decision: SpendDecision;
  target: () => ConformanceTarget | null;
}

/**
 * Conformance runs through the API (docs/governance.md, "Conformance kit"): the kit's case lists over
 * the running control plane's enabled adapters, each report stored (a row and a file), every adapter
 * call logged. One run at a time.
 */
export class ConformanceService {
  private running = false;

  constructor(private readonly options: ConformanceServiceOptions) {}

  /** The adapters a run can name, by capability. */
  known(): Record<ConformanceCapability, string[]> {
    return { compute: this.options.registry.names(), llm: this.options.llm.entries.map((entry) => entry.name).sort() };
  }

  async run(body: ConformanceRunBody): Promise<ConformanceRunAnswer> {
    const candidates = this.select(body);
    if (this.running) throw new ApiError(409, 'CONFORMANCE_RUN_IN_PROGRESS', 'a conformance run is under way; one runs at a time (its machines share one owner)');
    this.running = true;
    try {
      return await this.runAll(candidates, body);
    } finally {
      this.running = false;
    }
  }

  /** The latest stored report of each capability and adapter. */
  async latest(): Promise<StoredConformanceReport[]> {
    return this.options.store.latest();
  }

  private select(body: ConformanceRunBody): Candidate[] {
    const known = this.known();
    const capabilities = body.capability === undefined ? CONFORMANCE_CAPABILITIES : [body.capability];
    if (body.adapter !== undefined && !capabilities.some((capability) => known[capability].includes(body.adapter ?? ''))) {
      const names = capabilities.flatMap((capability) => known[capability]).sort();
      throw new ApiError(422, 'UNKNOWN_ADAPTER', `no enabled ${body.capability ?? 'compute or llm'} adapter named ${body.adapter} (known: ${names.join(', ')})`, { known: names });
    }
    const wanted = (name: string) => body.adapter === undefined || body.adapter === name;
    const candidates: Candidate[] = [];
    if (capabilities.includes('compute')) {
      const { owner } = this.options;
      for (const entry of this.options.registry.all().filter((candidate) => wanted(candidate.name))) {
        candidates.push({
          capability: 'compute',
          adapter: entry.name,
          decision: computeSpendDecision({ tier: entry.provider.tier, endpoints: this.options.providerEndpoints[entry.name] }, body.target, body.allowSpend),
          target: () => computeConformanceTarget(entry, { registry: this.options.registry, owner, contracts: this.options.contractsOf(entry.name) }),
        });
      }
    }
    if (capabilities.includes('llm')) {
      for (const entry of this.options.llm.entries.filter((candidate) => wanted(candidate.name))) {
        candidates.push({
          capability: 'llm',
          adapter: entry.name,
          decision: llmSpendDecision(entry, body.target, body.allowSpend),
          target: () => llmConformanceTarget(entry, this.options.llm.runtime),
        });
      }
    }
    return sortReports(candidates);
  }

  private async runAll(candidates: readonly Candidate[], body: ConformanceRunBody): Promise<ConformanceRunAnswer> {
    const runId = newId('cfrun');
    const reports: StoredConformanceReport[] = [];
    for (const candidate of candidates) {
      const base = { run_id: runId, target: body.target, capability: candidate.capability, adapter: candidate.adapter };
      const target = candidate.decision.run ? candidate.target() : null;
      if (target === null) {
        const why = candidate.decision.run ? 'not run: the provider names no model to call (set llm.providers.<name>.probeModel)' : candidate.decision.why;
        reports.push({ ...base, pass: false, skipped: why, metrics: { latency_ms: 0, attempts: 0 }, cases: [], errors: [], created_at: new Date().toISOString() });
        this.options.logger.info('conformance adapter skipped', { run_id: runId, capability: candidate.capability, adapter: candidate.adapter, reason: why, latency_ms: 0, attempts: 0, error_class: null });
        continue;
      }
      reports.push(await this.runOne(target, base));
    }
    const ran = reports.filter((report) => report.skipped === undefined);
    return {
      run_id: runId,
      target: body.target,
      summary: {
        total: reports.length,
        passed: ran.filter((report) => report.pass).length,
        failed: ran.filter((report) => !report.pass).length,
        skipped: reports.length - ran.length,
      },
      reports,
    };
  }

  private async runOne(target: ConformanceTarget, base: { run_id: string; target: ConformanceTargetKind; capability: ConformanceCapability; adapter: string }): Promise<StoredConformanceReport> {
    const { logger } = this.options;
    const [report] = await runConformance([target], {
      ...(this.options.operationTimeoutMs !== undefined && { operationTimeoutMs: this.options.operationTimeoutMs }),
      onCall: (event) =>
        logger.debug('conformance call', {
          run_id: base.run_id,
          capability: event.capability,
          adapter: event.adapter,
          operation: event.operation,
          latency_ms: event.latency_ms,
          attempts: event.attempts,
          error_class: event.errorClass,
        }),
    });
    if (report === undefined) throw new Error(`the conformance kit answered no report for ${base.adapter}`);
    let isolation: StoredConformanceReport['isolation'];
    const errors = [...report.errors];
    if (base.capability === 'compute') {
      // The reconciler-based proof: after cleanup, no live machine carries the run's owners.
      const entry = this.options.registry.get(base.adapter);
      const { owner, foreignOwner } = conformanceOwners(this.options.owner);
      const remaining = entry === undefined ? [] : await machinesOf(entry.provider, [owner, foreignOwner]);
      isolation = { owners: [owner, foreignOwner], remaining: remaining.length };
      if (remaining.length > 0) errors.push(`isolation: ${remaining.length} live machine(s) still carry the run's owners after cleanup: ${remaining.join(', ')}`);
    }
    const stored: StoredConformanceReport = {
      ...report,
      ...base,
      pass: report.pass && errors.length === report.errors.length,
      errors,
      created_at: new Date().toISOString(),
      ...(isolation !== undefined && { isolation }),
    };
    await this.options.store.save(stored);
    const failed = report.cases.find((entry) => entry.status === 'failed');
    logger.info('conformance adapter run', {
      run_id: base.run_id,
      capability: base.capability,
      adapter: base.adapter,
      target: base.target,
      pass: stored.pass,
      latency_ms: report.metrics.latency_ms,
      attempts: report.metrics.attempts,
      error_class: failed?.error_class ?? (stored.pass ? null : 'ISOLATION'),
    });
    return stored;
  }
}
