import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/control-plane/ids.js';
import type { Database } from '../../src/control-plane/store/database-schema.js';
import { LlmDecisionStore } from '../../src/control-plane/store/llm-decision-store.js';
import { openDatabase } from '../../src/control-plane/store/open-database.js';
import { makeTempDir, type TempDir } from '../support/temp-dir.js';

let dir: TempDir;
let db: Kysely<Database>;
let store: LlmDecisionStore;

beforeAll(async () => {
  dir = makeTempDir('llm-decisions');
  db = await openDatabase(dir.path);
  store = new LlmDecisionStore(db);
});

afterAll(async () => {
  await db?.destroy();
  dir?.remove();
});

async function decide(createdAt: string): Promise<string> {
  const id = newId('lrd');
  await store.insert({ id, createdAt, kind: 'generate', tags: ['b', 'a'], status: 'running', policyHash: 'h', chosen: { provider: 'mock', model: 'mock-text' }, data: { rationale: null } });
  await store.complete(id, {
    status: 'succeeded',
    final: { provider: 'mock', model: 'mock-text' },
    outcome: { latencyMs: 1 },
    attempts: [{ seq: 1, provider: 'mock', model: 'mock-text', startedAt: createdAt, latencyMs: 1, outcome: 'succeeded', errorCode: null, retry: false }],
    escalations: [{ seq: 1, at: createdAt, from: { provider: 'mock', model: 'mock-text' }, to: { provider: 'mock', model: 'mock-echo' }, trigger: 'schema_mismatch', detail: 'x' }],
  });
  await store.addEval({ id: newId('lev'), decisionId: id, createdAt, metric: 'quality', score: 1, label: null, comment: null, data: {} });
  return id;
}

describe('LlmDecisionStore retention', () => {
  it('drops decisions past the age and past the row cap, with their attempts, escalations and evals; keeps the newest', async () => {
    const old = await decide('2020-01-01T00:00:00.000Z');
    const recent: string[] = [];
    for (let index = 0; index < 5; index += 1) recent.push(await decide(new Date().toISOString()));
    const dropped = await store.prune(new Date(Date.now() - 3_600_000).toISOString(), 3);
    expect(dropped).toBe(3);
    expect(await store.get(old)).toBeNull();
    expect(await store.get(recent[0] ?? '')).toBeNull();
    expect(await store.get(recent[1] ?? '')).toBeNull();
    const kept = await store.get(recent[4] ?? '');
    expect(kept).toMatchObject({ tags: ['a', 'b'], status: 'succeeded', outcome: { latencyMs: 1 } });
    expect(kept?.attempts).toHaveLength(1);
    expect(kept?.escalations).toHaveLength(1);
    expect(kept?.evals).toHaveLength(1);
    for (const table of ['llm_attempts', 'llm_escalations', 'llm_evals'] as const) {
      const rows = await db.selectFrom(table).select('decision_id').execute();
      expect(rows.map((row) => row.decision_id).sort()).toEqual([...recent.slice(2)].sort());
    }
  });
});
