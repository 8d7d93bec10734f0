import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerEvidence } from '../../src/control-plane/readiness/validation-answers.js';
import { ValidationService, type ReadinessSettings } from '../../src/control-plane/readiness/validation-service.js';
import { createLogger } from '../../src/control-plane/logger.js';
import { ProviderEvidenceSchema } from '../../src/control-plane/openapi/validation-schemas.js';
import { ProviderRegistry } from '../../src/control-plane/provider-registry.js';
import type { Database } from '../../src/control-plane/store/database-schema.js';
import { openDatabase } from '../../src/control-plane/store/open-database.js';
import { ValidationStore } from '../../src/control-plane/store/validation-store.js';
import type { ReadinessProbes } from '../../src/contracts/index.js';
import { makeTempDir, type TempDir } from '../support/temp-dir.js';
import { FaultyProvider, faultyRegistration } from './support/faulty-provider.js';

/** What the store reads for LLM providers: the probes' spending (the budget's ledger), and the gateway's attempts and escalations. */
let dir: TempDir;
let db: Kysely<Database>;
let store: ValidationStore;

beforeAll(async () => {
  dir = makeTempDir('validation-store-llm');
  db = await openDatabase(dir.path);
  store = new ValidationStore(db);
});

afterAll(async () => {
  await db?.destroy();
  dir?.remove();
});

// Now: the service's status counts the last 24 hours from the real clock.
const NOW = Date.now();
const hoursAgo = (hours: number) => new Date(NOW - hours * 3_600_000).toISOString();

describe('ValidationStore and the LLM providers', () => {
  it('spentSince sums the provider-validation usage events since the time given, and nothing else', async () => {
    const event = (id: string, kind: string, cost: number, at: string) => ({ id, provider: 'openai', kind, run_id: null, outcome: 'passed', cost_usd: cost, data: '{}', created_at: at });
    await db
      .insertInto('usage_events')
      .values([
        event('ue-1', 'provider-validation', 0.0002, '2026-03-02T00:00:00.000Z'),
        event('ue-2', 'provider-validation', 0.0003, '2026-03-02T11:00:00.000Z'),
        event('ue-3', 'provider-validation', 0.5, '2026-03-01T23:59:59.999Z'),
        event('ue-4', 'llm-call', 7, '2026-03-02T11:00:00.000Z'),
      ])
      .execute();
    expect(await store.spentSince('2026-03-02T00:00:00.000Z')).toBeCloseTo(0.0005, 12);
    expect(await store.spentSince('2026-03-03T00:00:00.000Z')).toBe(0);
  });

  it("counts the provider's LLM retries and escalations of the last 24 hours, and traces its escalations newest first across placement and the gateway", async () => {
    await db
      .insertInto('llm_attempts')
      .values([
        { decision_id: 'dec-1', seq: 1, provider: 'openai', model: 'gpt-4o-mini', started_at: hoursAgo(2), latency_ms: 10, outcome: 'failed', error_code: 'RATE_LIMIT', retry: 0 },
        { decision_id: 'dec-1', seq: 2, provider: 'openai', model: 'gpt-4o-mini', started_at: hoursAgo(2), latency_ms: 10, outcome: 'failed', error_code: 'RATE_LIMIT', retry: 1 },
        { decision_id: 'dec-1', seq: 3, provider: 'openai', model: 'gpt-4o-mini', started_at: hoursAgo(2), latency_ms: 10, outcome: 'failed', error_code: 'RATE_LIMIT', retry: 1 },
        { decision_id: 'dec-1', seq: 4, provider: 'anthropic', model: 'claude-haiku-4-5', started_at: hoursAgo(2), latency_ms: 10, outcome: 'succeeded', error_code: null, retry: 0 },
        { decision_id: 'dec-0', seq: 2, provider: 'openai', model: 'gpt-4o-mini', started_at: hoursAgo(30), latency_ms: 10, outcome: 'failed', error_code: 'SERVER', retry: 1 },
      ])
      .execute();
    await db
      .insertInto('llm_escalations')
      .values([
        { decision_id: 'dec-1', seq: 1, at: hoursAgo(2), from_provider: 'openai', from_model: 'gpt-4o-mini', to_provider: 'anthropic', to_model: 'claude-haiku-4-5', trigger: 'retryable_failures', detail: '3 RATE_LIMIT' },
        { decision_id: 'dec-0', seq: 1, at: hoursAgo(30), from_provider: 'openai', from_model: 'gpt-4o', to_provider: 'openai', to_model: 'gpt-4o-mini', trigger: 'model_error', detail: 'too old to count' },
        { decision_id: 'dec-2', seq: 1, at: hoursAgo(1), from_provider: 'anthropic', from_model: 'claude-haiku-4-5', to_provider: 'openai', to_model: 'gpt-4o', trigger: 'context_length', detail: 'not openai' },
      ])
      .execute();
    // A placement escalation away from openai (as if a compute provider had that name), between the two LLM ones in time.
    await db
      .insertInto('events')
      .values({
        provider: 'openai',
        instance_id: 'i-1',
        type: 'placement.escalated',
        from_status: null,
        to_status: null,
        message: 'escalated',
        data: JSON.stringify({ fromProvider: 'openai', kind: 'next-offer', trigger: 'CAPACITY_ERROR on attempt 1', message: 'next provider: orbstack', placementId: 'pl-1' }),
        created_at: hoursAgo(3),
      })
      .execute();

    const inputs = await store.statusInputs('openai', true, NOW);
    expect(inputs).toMatchObject({ workRetries24h: 2, escalations24h: 2 });
    const traces = await store.escalations('openai', hoursAgo(24));
    expect(traces).toEqual([
      {
        at: hoursAgo(2),
        kind: 'llm',
        trigger: 'retryable_failures',
        message: 'openai/gpt-4o-mini → anthropic/claude-haiku-4-5: 3 RATE_LIMIT',
        instanceId: '',
        placementId: 'dec-1',
        decisionId: 'dec-1',
      },
      { at: hoursAgo(3), kind: 'next-offer', trigger: 'CAPACITY_ERROR on attempt 1', message: 'next provider: orbstack', instanceId: 'i-1', placementId: 'pl-1', decisionId: null },
    ]);
    expect((await store.statusInputs('anthropic', false, NOW)).workRetries24h).toBe(0);
  });

  it('the provider evidence answer names an LLM escalation by its decision, and matches its schema', async () => {
    const llmProbes = new Map<string, ReadinessProbes>([['openai', { configured: () => ({ ok: true, missing: [] }), auth: { description: 'GET /models', costUsd: 0, run: async () => '1 models' }, execution: { description: 'x', costUsd: 0, run: async () => 'ok' } }]]);
    const settings = { executionProofTtlMs: 86_400_000, retry: { attempts: 1, windowMs: 0, minDelayMs: 0 }, probeTimeoutMs: 1_000 } as ReadinessSettings;
    const service = new ValidationService(new ProviderRegistry(), store, settings, 'hangar-test', createLogger('error', () => {}), { llmProbes });
    expect(service.providerKind('openai')).toBe('llm');
    const answer = await providerEvidence(service, 'openai', NOW);
    expect(ProviderEvidenceSchema.safeParse(answer).success).toBe(true);
    expect(answer.escalations.map((escalation) => [escalation.kind, escalation.decision_id, escalation.placement_id, escalation.evidence])).toEqual([
      ['llm', 'dec-1', 'dec-1', '/v1/llm/decisions/dec-1'],
      ['next-offer', null, 'pl-1', '/v1/instances/i-1/placement'],
    ]);
    expect(answer.status).toMatchObject({ retry_count_24h: 2, escalation_count_24h: 2 });
  });

  it('a name both the compute registry and the LLM probes have is the compute provider\'s; the known providers are both, sorted', async () => {
    const probes = (said: string): ReadinessProbes => ({ configured: () => ({ ok: true, missing: [] }), auth: { description: said, costUsd: 0, run: async () => said }, execution: { description: said, costUsd: 0, run: async () => said } });
    const registry = new ProviderRegistry();
    registry.register(faultyRegistration(new FaultyProvider({} as never), probes('compute')));
    const llmProbes = new Map([['faulty', probes('llm')], ['mock', probes('llm')]]);
    const settings = { executionProofTtlMs: 86_400_000, retry: { attempts: 1, windowMs: 0, minDelayMs: 0 }, probeTimeoutMs: 1_000 } as ReadinessSettings;
    const service = new ValidationService(registry, store, settings, 'hangar-test', createLogger('error', () => {}), { llmProbes });
    expect(service.knownProviders()).toEqual(['faulty', 'mock']);
    expect([service.providerKind('faulty'), service.providerKind('mock')]).toEqual(['compute', 'llm']);
    const { results } = await service.run({ mode: 'quick', trigger: 'api' });
    expect(results.map((result) => [result.provider, result.checks[1]?.detail])).toEqual([
      ['faulty', 'compute: compute'],
      ['mock', 'llm: llm'],
    ]);
    expect(service.lastPassed('mock')).toBe(true);
    expect(service.lastPassed('nobody')).toBeNull();
  });
});
