import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/contracts/index.js';
import { encodeCursor } from '../../src/control-plane/pagination.js';
import { ScriptedProbes } from './support/scripted-probes.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

const BASE = '/api/automation/usage/provider-validation';
const RUN_ID = /^prv_\d{4}_\d{2}_\d{2}T\d{2}_\d{2}_\d{2}Z(_\d+)?$/;
const planes: TestControlPlane[] = [];

afterEach(async () => {
  for (const plane of planes.splice(0)) await plane.close();
});

async function start(probes: ScriptedProbes, readiness: Record<string, unknown> = {}): Promise<TestControlPlane> {
  const cp = await startTestControlPlane({
    faultyReadiness: probes,
    settings: { readiness: { retry: { attempts: 3, windowMs: 2_000, minDelayMs: 5 }, probeTimeoutMs: 200, ...readiness } },
  });
  planes.push(cp);
  return cp;
}

const rateLimited = () => new ProviderError({ code: 'RATE_LIMIT_ERROR', provider: 'faulty', message: 'slow down', retryAfterMs: 10 });

describe('POST /api/automation/usage/provider-validation/run', () => {
  it('answers the exact shape, one row per provider, with a run id that says when it ran', async () => {
    const cp = await start(new ScriptedProbes());
    const answer = await cp.call('POST', `${BASE}/run`, { providers: ['faulty'], mode: 'full' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      status: 'ok',
      run_id: expect.stringMatching(RUN_ID),
      providers: [{ provider: 'faulty', configured: true, auth_probe_passed: true, execution_probe_passed: true, usage_event_written: true, last_error_class: null }],
    });
    // The usage event is a real row, read back by the run.
    const stored = (await cp.call('GET', `${BASE}/runs/${answer.json.run_id}`)).json;
    expect(stored).toMatchObject({ run_id: answer.json.run_id, mode: 'full', trigger: 'api', completed_at: expect.any(String) });
    const [result] = stored.providers;
    expect(result).toMatchObject({ passed: true, ready: true, last_error_class: null });
    expect(result.checks.map((check: { check: string; passed: boolean | null }) => [check.check, check.passed])).toEqual([
      ['configured', true],
      ['auth_probe', true],
      ['execution_probe', true],
      ['usage_event', true],
    ]);
    const row = await cp.plane.db.selectFrom('usage_events').selectAll().where('id', '=', result.usage_event_id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ provider: 'faulty', kind: 'provider-validation', run_id: answer.json.run_id, outcome: 'passed', cost_usd: 0 });
  });

  it('gives two runs started in the same second different ids', async () => {
    const cp = await start(new ScriptedProbes());
    const [first, second] = await Promise.all([
      cp.call('POST', `${BASE}/run`, { providers: ['faulty'], mode: 'quick' }),
      cp.call('POST', `${BASE}/run`, { providers: ['faulty'], mode: 'quick' }),
    ]);
    expect(first.json.run_id).not.toBe(second.json.run_id);
    const sameSecond = first.json.run_id.slice(0, 28) === second.json.run_id.slice(0, 28);
    if (sameSecond) expect([first.json.run_id, second.json.run_id].sort()[1]).toMatch(/_2$/);
  });

  it('refuses unknown providers with 422 naming them, and a bad body with its field; nothing is stored', async () => {
    const cp = await start(new ScriptedProbes());
    const unknown = await cp.call('POST', `${BASE}/run`, { providers: ['faulty', 'gcp', 'azure'] });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toMatchObject({ code: 'UNKNOWN_PROVIDER', unknown: ['gcp', 'azure'] });
    expect(unknown.json.error.message).toContain('gcp, azure');
    const badMode = await cp.call('POST', `${BASE}/run`, { mode: 'slow' });
    expect(badMode.status).toBe(422);
    expect(badMode.json.error.issues[0].path).toBe('mode');
    const extra = await cp.call('POST', `${BASE}/run`, { mode: 'quick', dryRun: true });
    expect(extra.status).toBe(422);
    const notJson = await cp.call('POST', `${BASE}/run`, '{mode:');
    expect(notJson.status).toBe(400);
    expect((await cp.call('GET', `${BASE}/runs`)).json.items).toEqual([]);
  });

  it('an empty body validates every provider in full', async () => {
    const cp = await start(new ScriptedProbes());
    const answer = await cp.call('POST', `${BASE}/run`);
    expect(answer.status).toBe(200);
    // The offline mock LLM provider (the default when no LLM is configured) is validated beside the compute providers.
    expect(answer.json.providers.map((row: { provider: string }) => row.provider)).toEqual(['faulty', 'mock', 'orbstack']);
    const stored = (await cp.call('GET', `${BASE}/runs/${answer.json.run_id}`)).json;
    expect(stored.mode).toBe('full');
  });
});

describe('the checks', () => {
  it('an auth failure is not retried, stops the execution probe, is still written as a usage event, and makes the provider not ready for placement', async () => {
    const probes = new ScriptedProbes();
    probes.authScript = [new ProviderError({ code: 'AUTH_ERROR', provider: 'faulty', message: 'bad key' })];
    const cp = await start(probes);
    await cp.plane.ctx.registry.warmCatalogs();
    const answer = await cp.call('POST', `${BASE}/run`, { providers: ['faulty'] });
    expect(answer.json.providers[0]).toEqual({ provider: 'faulty', configured: true, auth_probe_passed: false, execution_probe_passed: false, usage_event_written: true, last_error_class: 'AUTH_ERROR' });
    expect(probes.authCalls).toBe(1);
    expect(probes.executionCalls).toBe(0);

    const status = (await cp.call('GET', BASE)).json;
    const faulty = status.providers.find((row: { provider: string }) => row.provider === 'faulty');
    expect(faulty).toMatchObject({ ready: false, last_error_class: 'AUTH_ERROR', last_failure_at: expect.any(String), failure_rate_24h: 1, last_successful_execution_at: null });

    // Placement reads the same verdict: the provider's offers are excluded, with the run that said so.
    const offers = (await cp.call('GET', '/v1/offers?providers=faulty&vcpusMin=2&vcpusMax=2')).json;
    expect(offers.ranked).toEqual([]);
    const reasons = offers.excluded.flatMap((offer: { reasons: { code: string; message: string }[] }) => offer.reasons);
    expect(reasons).toContainEqual(expect.objectContaining({ code: 'PROVIDER_NOT_READY', message: expect.stringContaining(`readiness run ${answer.json.run_id} failed: AUTH_ERROR`) }));
  });

  it('transient failures are retried within the window and counted in retry_count_24h', async () => {
    const probes = new ScriptedProbes();
    probes.authScript = [rateLimited(), rateLimited(), 'ok on the third try'];
    const cp = await start(probes);
    const answer = await cp.call('POST', `${BASE}/run`, { providers: ['faulty'] });
    expect(answer.json.providers[0]).toMatchObject({ auth_probe_passed: true, execution_probe_passed: true, last_error_class: null });
    const run = (await cp.call('GET', `${BASE}/runs/${answer.json.run_id}`)).json;
    expect(run.providers[0]).toMatchObject({ retries: 2, retry_count_24h: 2 });
    expect(run.providers[0].checks[1]).toMatchObject({ check: 'auth_probe', attempts: 3, passed: true });
    const status = (await cp.call('GET', BASE)).json.providers.find((row: { provider: string }) => row.provider === 'faulty');
    expect(status.retry_count_24h).toBe(2);
  });

  it('a transient failure that outlasts the retries counts with its class', async () => {
    const probes = new ScriptedProbes();
    probes.authScript = [rateLimited()];
    const cp = await start(probes);
    const answer = await cp.call('POST', `${BASE}/run`, { providers: ['faulty'] });
    expect(answer.json.providers[0]).toMatchObject({ auth_probe_passed: false, last_error_class: 'RATE_LIMIT_ERROR' });
    expect(probes.authCalls).toBe(3);
  });

  it('a probe past its deadline is TIMEOUT (its signal aborted)', async () => {
    const probes = new ScriptedProbes();
    probes.executionScript = ['hang'];
    const cp = await start(probes, { retry: { attempts: 1, windowMs: 0, minDelayMs: 0 }, probeTimeoutMs: 50 });
    const answer = await cp.call('POST', `${BASE}/run`, { providers: ['faulty'] });
    expect(answer.json.providers[0]).toMatchObject({ auth_probe_passed: true, execution_probe_passed: false, last_error_class: 'TIMEOUT' });
  });

  it('configured: missing pieces are CONFIG_MISSING, named, and stop the probes', async () => {
    const probes = new ScriptedProbes();
    probes.configuredAnswer = { ok: false, missing: ['FAULTY_API_KEY'] };
    const cp = await start(probes);
    const answer = await cp.call('POST', `${BASE}/run`, { providers: ['faulty'] });
    expect(answer.json.providers[0]).toMatchObject({ configured: false, auth_probe_passed: false, execution_probe_passed: false, usage_event_written: true, last_error_class: 'CONFIG_MISSING' });
    expect(probes.authCalls).toBe(0);
    const run = (await cp.call('GET', `${BASE}/runs/${answer.json.run_id}`)).json;
    expect(run.providers[0]).toMatchObject({ passed: false, last_error_class: 'CONFIG_MISSING' });
    expect(run.providers[0].checks[0].detail).toBe('missing: FAULTY_API_KEY');
  });

  it('quick runs check configured and auth only; ready needs a full run (the execution proof) and a passing latest run', async () => {
    const probes = new ScriptedProbes();
    const cp = await start(probes);
    const quick = await cp.call('POST', `${BASE}/run`, { providers: ['faulty'], mode: 'quick' });
    expect(quick.json.providers[0]).toMatchObject({ auth_probe_passed: true, execution_probe_passed: null, last_error_class: null });
    expect(probes.executionCalls).toBe(0);
    const statusOf = async () => (await cp.call('GET', BASE)).json.providers.find((row: { provider: string }) => row.provider === 'faulty');
    expect(await statusOf()).toMatchObject({ ready: false, last_successful_execution_at: null });

    await cp.call('POST', `${BASE}/run`, { providers: ['faulty'], mode: 'full' });
    const ready = await statusOf();
    expect(ready).toMatchObject({ ready: true, last_successful_execution_at: expect.any(String), failure_rate_24h: 0 });

    // A later quick run that fails takes readiness away until a run passes again.
    probes.authScript = [new ProviderError({ code: 'AUTH_ERROR', provider: 'faulty', message: 'key revoked' })];
    probes.authCalls = 0;
    await cp.call('POST', `${BASE}/run`, { providers: ['faulty'], mode: 'quick' });
    expect(await statusOf()).toMatchObject({ ready: false, last_error_class: 'AUTH_ERROR', failure_rate_24h: 0.3333 });
  });

  it('a required provider that is not enabled is never ready: configured false, CONFIG_MISSING', async () => {
    const cp = await start(new ScriptedProbes(), { requiredProviders: ['faulty', 'lambda-labs'] });
    const status = (await cp.call('GET', BASE)).json;
    expect(status.required_providers).toEqual(['faulty', 'lambda-labs']);
    expect(status.providers.map((row: { provider: string }) => row.provider)).toEqual(['faulty', 'lambda-labs', 'mock', 'orbstack']);
    expect(status.summary).toEqual({ ready: 0, not_ready: 4 });
    const answer = await cp.call('POST', `${BASE}/run`, { providers: ['lambda-labs'] });
    expect(answer.json.providers[0]).toEqual({ provider: 'lambda-labs', configured: false, auth_probe_passed: false, execution_probe_passed: false, usage_event_written: true, last_error_class: 'CONFIG_MISSING' });
    const run = (await cp.call('GET', `${BASE}/runs/${answer.json.run_id}`)).json;
    expect(run.providers[0].checks[0].detail).toContain('required but not enabled');
  });
});

describe('history, escalations and the schedule', () => {
  it('pages the runs newest first, and 404s an unknown run id', async () => {
    const cp = await start(new ScriptedProbes());
    const ids: string[] = [];
    for (let n = 0; n < 3; n += 1) ids.push((await cp.call('POST', `${BASE}/run`, { providers: ['faulty'], mode: 'quick' })).json.run_id);
    const first = (await cp.call('GET', `${BASE}/runs?limit=2`)).json;
    const second = (await cp.call('GET', `${BASE}/runs?limit=2&cursor=${first.nextCursor}`)).json;
    expect([...first.items, ...second.items].map((run: { run_id: string }) => run.run_id)).toEqual([...ids].reverse());
    expect(second.nextCursor).toBeNull();
    const missing = await cp.call('GET', `${BASE}/runs/prv_1999_01_01T00_00_00Z`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('RUN_NOT_FOUND');
    expect((await cp.call('GET', `${BASE}/runs?limit=0`)).status).toBe(422);
    expect((await cp.call('GET', `${BASE}/runs?cursor=nonsense`)).status).toBe(400);
    // A well-formed cursor naming no stored run (made up, or pruned) is refused, not a silent restart from the newest run.
    const stale = await cp.call('GET', `${BASE}/runs?limit=2&cursor=${encodeCursor('prv_1999_01_01T00_00_00Z')}`);
    expect(stale.status).toBe(400);
    expect(stale.json.error.code).toBe('INVALID_CURSOR');
  });

  it('counts the escalations placement made away from a provider, each linked to its placement decision', async () => {
    const cp = await start(new ScriptedProbes());
    await cp.plane.ctx.registry.warmCatalogs();
    cp.faulty.nextSpawnFault = new ProviderError({ code: 'CAPACITY_ERROR', provider: 'faulty', message: 'scripted' });
    const spawned = await cp.call('POST', '/v1/instances', { requirements: { vcpus: { min: 2, max: 2 }, regions: ['local-1'] } });
    expect(spawned.status).toBe(202);
    const evidence = (await cp.call('GET', `/v1/instances/${spawned.json.id}/placement`)).json;
    const fromFaulty = evidence.escalations.filter((escalation: { fromProvider?: string }) => escalation.fromProvider === 'faulty');
    expect(fromFaulty.length).toBeGreaterThan(0);

    const status = (await cp.call('GET', BASE)).json.providers.find((row: { provider: string }) => row.provider === 'faulty');
    expect(status.escalation_count_24h).toBe(fromFaulty.length);
    const detail = (await cp.call('GET', `${BASE}/providers/faulty`)).json;
    expect(detail.escalations).toHaveLength(fromFaulty.length);
    expect(detail.escalations[0]).toMatchObject({ instance_id: spawned.json.id, placement_id: evidence.id, evidence: `/v1/instances/${spawned.json.id}/placement` });
    expect((await cp.call('GET', `${BASE}/providers/gcp`)).status).toBe(404);
  });

  it('runs on start (quick) when the schedule starts, and stops cleanly', async () => {
    const probes = new ScriptedProbes();
    const cp = await start(probes, { onStart: 'quick', quickIntervalMs: 0, fullIntervalMs: 0 });
    cp.plane.validationSchedule.start();
    await cp.plane.validationSchedule.stop();
    const runs = (await cp.call('GET', `${BASE}/runs`)).json.items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ mode: 'quick', trigger: 'start' });
    expect(probes.executionCalls).toBe(0);
  });
});
