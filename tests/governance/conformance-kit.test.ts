import { describe, expect, it } from 'vitest';
import { projectProvider } from '../../src/contracts/index.js';
import {
  COMPUTE_CASE_IDS,
  type ComputeTarget,
  type ConformanceCallEvent,
  LLM_CASE_IDS,
  conformanceReportJson,
  retryTransient,
  runConformance,
} from '../../src/governance/conformance/index.js';
import { OrbStackConfigSchema } from '../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../../src/providers/orbstack/orbstack-registration.js';
import { makeTempDir } from '../support/temp-dir.js';

/** OrbStack's local driver as a target; `alter` may break the provider it hands each case. */
function orbstackTarget(adapter: string, alter: (provider: ReturnType<typeof projectProvider>) => ReturnType<typeof projectProvider> = (provider) => provider, cleanups: string[] = []): ComputeTarget {
  return {
    capability: 'compute',
    adapter,
    async create() {
      const dir = makeTempDir('conformance-kit');
      const registration = createOrbStackRegistration(OrbStackConfigSchema.parse({ seed: 1, bootDelayMs: { min: 0, max: 0 }, terminateDelayMs: { min: 0, max: 0 } }), { dataDir: dir.path });
      return {
        provider: alter(projectProvider(registration.provider)),
        hooks: registration.hooks,
        chaos: registration.chaos ?? null,
        contracts: [],
        spawnable: { instanceType: 'orb.small', region: 'local-1' },
        image: null,
        owner: 'kit',
        foreignOwner: 'kit-foreign',
        async cleanup(made) {
          cleanups.push(`${adapter}: ${made.machines.size} machine(s)`);
          await registration.hooks.onShutdown?.();
          dir.remove();
        },
      };
    },
  };
}

describe('the conformance kit runner', () => {
  it('fails a case whose adapter call hangs past the per-call deadline, reports every call, and always cleans up', async () => {
    const events: ConformanceCallEvent[] = [];
    const cleanups: string[] = [];
    const hangingGet = orbstackTarget('hanging-get', (provider) => ({ ...provider, get: () => new Promise(() => {}) }), cleanups);
    const [report] = await runConformance([hangingGet], { operationTimeoutMs: 100, cases: ['get-known-and-unknown'], onCall: (event) => events.push(event) });
    expect(report?.pass).toBe(false);
    expect(report?.cases).toEqual([expect.objectContaining({ id: 'get-known-and-unknown', status: 'failed', error: 'OperationTimeoutError: get did not answer within the 100 ms deadline' })]);
    expect(report?.errors).toEqual(['get-known-and-unknown: OperationTimeoutError: get did not answer within the 100 ms deadline']);
    expect(cleanups).toEqual(['hanging-get: 1 machine(s)']);
    expect(events.map((event) => [event.operation, event.errorClass])).toEqual([
      ['generateBootstrap', null],
      ['spawn', null],
      ['get', 'TIMEOUT'],
    ]);
    for (const event of events) expect(event).toMatchObject({ capability: 'compute', adapter: 'hanging-get', attempts: 1, latency_ms: expect.any(Number) });
    expect(report?.metrics.attempts).toBe(3);
    expect(report?.cases[0]?.attempts).toBe(3);
  });

  it('answers one report per adapter, sorted by adapter, cases in list order, and skips a flag the provider lacks with its reason', async () => {
    const cases = ['spawn-fields', 'idempotent-spawn', 'persistent-volumes'];
    const reports = await runConformance([orbstackTarget('zeta'), orbstackTarget('alpha')], { cases });
    expect(reports.map((report) => report.adapter)).toEqual(['alpha', 'zeta']);
    for (const report of reports) {
      expect(report.pass).toBe(true);
      expect(report.errors).toEqual([]);
      expect(report.cases.map((entry) => [entry.id, entry.status])).toEqual([
        ['spawn-fields', 'passed'],
        ['idempotent-spawn', 'passed'],
        ['persistent-volumes', 'skipped'],
      ]);
      expect(report.cases[2]?.reason).toMatch(/volume/i);
    }
    const json = conformanceReportJson(reports[0]);
    expect(json.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(json) as object)).toEqual(['adapter', 'capability', 'cases', 'errors', 'metrics', 'pass']);
    expect(Object.keys((JSON.parse(json) as { cases: object[] }).cases[0] ?? {})).toEqual(['attempts', 'id', 'latency_ms', 'status', 'title']);
  });

  it('has stable, kebab-case, unique case ids', () => {
    for (const ids of [COMPUTE_CASE_IDS, LLM_CASE_IDS]) {
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });
});

describe('the kit’s retry helper', () => {
  const transient = Object.assign(new Error('busy'), { retryable: true });
  const permanent = Object.assign(new Error('no'), { retryable: false });
  const noSleep = async () => {};

  it('tries at most the cap, with jittered waits under the ceiling', async () => {
    let calls = 0;
    const outcome = await retryTransient(
      async () => {
        calls += 1;
        throw transient;
      },
      { tries: 3, baseDelayMs: 100, maxDelayMs: 150, random: () => 0.999, sleep: noSleep },
    );
    expect(outcome).toEqual({ ok: false, error: transient, attempts: 3, delays: [99, 149] });
    expect(calls).toBe(3);
  });

  it('succeeds after transient failures, and never retries a permanent one', async () => {
    let calls = 0;
    const recovered = await retryTransient(
      async () => {
        calls += 1;
        if (calls < 3) throw transient;
        return 'made';
      },
      { sleep: noSleep, random: () => 0 },
    );
    expect(recovered).toEqual({ ok: true, value: 'made', attempts: 3, delays: [0, 0] });
    const refused = await retryTransient(async () => {
      throw permanent;
    });
    expect(refused).toEqual({ ok: false, error: permanent, attempts: 1, delays: [] });
  });
});
