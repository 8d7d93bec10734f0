import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { ProviderError } from '../../src/contracts/index.js';
import { htmlRouteScopes } from '../../src/control-plane/app.js';
import { type AwsControlPlaneBed, startAwsControlPlaneBed } from '../providers/aws/aws-control-plane-bed.js';
import { OrbStackConfigSchema } from '../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../../src/providers/orbstack/orbstack-registration.js';
import { OpenApiValidator } from '../support/openapi-validator.js';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

/** One answer of the API, as recorded for validation against the document. */
interface Recorded {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  contentType: string;
  body: unknown;
}

type RequestFn = (path: string, init: RequestInit) => Response | Promise<Response>;

/** Drives an app and keeps every answer. `stream` reads only the head of a never-ending response (SSE). */
function recorder(request: RequestFn) {
  const recorded: Recorded[] = [];
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Recorded> => {
    const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await request(path, init);
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0] ?? '';
    let parsed: unknown;
    if (contentType === 'text/event-stream') {
      // The stream never ends: its status and media type are what is checked, its body as the text it is.
      await response.body?.cancel();
      parsed = '';
    } else {
      const text = await response.text();
      parsed = text ? JSON.parse(text) : null;
    }
    const entry = { method, path, status: response.status, headers: response.headers, contentType, body: parsed };
    recorded.push(entry);
    return entry;
  };
  return { recorded, call };
}

/** The API routes the Hono app serves, as `METHOD /openapi/{template}` (middleware, the validators' duplicate entries and the HTML pages left out). */
function servedRoutes(routes: readonly { method: string; path: string }[]): string[] {
  const isPage = (route: { method: string; path: string }) => htmlRouteScopes().some((page) => page.method === route.method && page.path === route.path);
  const served = routes
    .filter((route) => route.method !== 'ALL' && !route.path.includes('*') && !isPage(route))
    .map((route) => `${route.method} ${route.path.replace(/:([^/]+)/g, '{$1}')}`);
  return [...new Set(served)].sort();
}

function documentedRoutes(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** Every problem of one recorded answer against the document: undeclared status, body or declared headers that do not match. */
function problemsOf(validator: OpenApiValidator, answer: Recorded): string[] {
  const pathOnly = answer.path.split('?')[0] ?? answer.path;
  const template = validator.templateFor(pathOnly);
  const label = `${answer.method} ${answer.path} -> ${answer.status}`;
  if (template === undefined) return [`${label}: no path of the document matches`];
  try {
    const problems = validator.responseHeaderErrors(template, answer.method, answer.status, answer.headers);
    if (answer.status !== 204) {
      problems.push(...validator.mediaResponseErrors(template, answer.method, answer.status, answer.contentType, answer.body));
    }
    return problems.map((problem) => `${label}: ${problem}`);
  } catch (error) {
    return [`${label}: ${(error as Error).message}`];
  }
}

async function documentOf(request: RequestFn) {
  const response = await request('/openapi.json', { method: 'GET' });
  expect(response.status).toBe(200);
  return (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
}

let cp: TestControlPlane | undefined;
let aws: AwsControlPlaneBed | undefined;

afterEach(async () => {
  await cp?.close();
  await aws?.close();
  cp = undefined;
  aws = undefined;
});

describe('GET /openapi.json: the API described from its schemas', () => {
  it('serves an OpenAPI 3.1 document naming every route the app serves, and nothing it does not', async () => {
    cp = await startTestControlPlane();
    const request: RequestFn = (path, init) => cp!.plane.app.request(path, init);
    const document = await documentOf(request);
    expect(document.openapi).toBe('3.1.0');
    // A route added without its schema is missing from the document, and fails here.
    expect(documentedRoutes(document)).toEqual(servedRoutes(cp.plane.app.routes));
  });

  it('describes what every route answers: each recorded status, body and header validates against the document', async () => {
    // A second OrbStack adapter (machines of its own) as a rollout candidate of the first.
    const candidateDir = makeTempDir('openapi-candidate');
    const candidate = Object.assign(createOrbStackRegistration(OrbStackConfigSchema.parse({ seed: 3 }), { dataDir: candidateDir.path }), { name: 'orbstack-next' });
    cp = await startTestControlPlane({ extraRegistrations: [candidate] });
    onTestFinished(() => candidateDir.remove());
    const app = cp.plane.app;
    const { recorded, call } = recorder((path, init) => app.request(path, init));
    const document = await documentOf((path, init) => app.request(path, init));
    const validator = new OpenApiValidator(document);
    const valid = { provider: 'orbstack', instanceType: 'orb.small', tags: { team: 'ml' }, bootstrap: { script: 'echo hi' } };

    await call('GET', '/healthz');
    await call('GET', '/openapi.json');
    await call('GET', '/v1/providers');
    await call('GET', '/v1/providers/orbstack');
    await call('GET', '/v1/providers/nimbus');
    await call('GET', '/v1/providers/orbstack/instance-types');
    await call('GET', '/v1/providers/nimbus/instance-types');

    // Instances: spawn, replay, every kind of refusal.
    const spawned = await call('POST', '/v1/instances', valid, { 'Idempotency-Key': 'openapi-1' });
    expect(spawned.status).toBe(202);
    const id = String((spawned.body as { id: string }).id);
    expect((await call('POST', '/v1/instances', valid, { 'Idempotency-Key': 'openapi-1' })).headers.get('Idempotent-Replayed')).toBe('true');
    expect((await call('POST', '/v1/instances', { ...valid, spot: true }, { 'Idempotency-Key': 'openapi-1' })).status).toBe(409);
    expect((await call('POST', '/v1/instances', valid, { 'Idempotency-Key': 'has spaces' })).status).toBe(422);
    expect((await call('POST', '/v1/instances', '{"provider": ')).status).toBe(400);
    expect((await call('POST', '/v1/instances', { ...valid, instanceTyp: 'x' })).status).toBe(422);
    expect((await call('POST', '/v1/instances', { ...valid, instanceType: 'orb.huge' })).status).toBe(422);
    expect((await call('POST', '/v1/instances', { ...valid, bootstrap: { script: 'x'.repeat(1_100_000) } })).status).toBe(413);
    const faulty = { provider: 'faulty', instanceType: 'orb.small' };
    cp.faulty.nextSpawnFault = new ProviderError({ code: 'CAPACITY_ERROR', provider: 'faulty', message: 'none left' });
    expect((await call('POST', '/v1/instances', faulty)).status).toBe(503);
    cp.faulty.nextSpawnFault = new ProviderError({ code: 'RATE_LIMIT_ERROR', provider: 'faulty', message: 'slow down', retryAfterMs: 2500 });
    expect((await call('POST', '/v1/instances', faulty)).headers.get('Retry-After')).toBe('3');
    cp.faulty.nextSpawnFault = new ProviderError({ code: 'AUTH_ERROR', provider: 'faulty', message: 'refused' });
    expect((await call('POST', '/v1/instances', faulty)).status).toBe(502);
    cp.faulty.nextSpawnFault = 'hang';
    expect((await call('POST', '/v1/instances', faulty)).status).toBe(504);

    expect((await call('GET', '/v1/instances?limit=2')).status).toBe(200);
    expect((await call('GET', '/v1/instances?status=sleeping')).status).toBe(422);
    expect((await call('GET', '/v1/instances?cursor=not-a-cursor')).status).toBe(400);
    await call('GET', `/v1/instances/${id}`);
    await call('GET', '/v1/instances/i-missing');
    expect((await call('GET', `/v1/instances/${id}?waitFor=sleeping`)).status).toBe(400);
    expect((await call('GET', `/v1/instances/${id}?waitFor=terminated&timeout=0`)).headers.get('Hangar-Wait')).toBe('timed-out');
    await call('GET', `/v1/instances/${id}/events`);
    await call('GET', '/v1/instances/i-missing/events');

    // Reconciliation, health, the provider's own view.
    await call('POST', '/v1/reconcile', { provider: 'orbstack' });
    await call('POST', '/v1/reconcile');
    expect((await call('POST', '/v1/reconcile', { provider: 'nimbus' })).status).toBe(422);
    expect((await call('POST', '/v1/reconcile', { provder: 'orbstack' })).status).toBe(422);
    await call('GET', '/v1/providers/orbstack/health');
    await call('GET', '/v1/providers/nimbus/health');
    const machines = await call('GET', '/v1/providers/orbstack/machines?limit=1');
    expect((machines.body as { items: unknown[] }).items).toHaveLength(1);
    expect((await call('GET', '/v1/providers/orbstack/machines?cursor=bad')).status).toBe(400);
    expect((await call('GET', '/v1/providers/orbstack/machines?limit=0')).status).toBe(422);

    // Events, paged and streamed.
    await call('GET', '/v1/events?limit=3');
    expect((await call('GET', '/v1/events?after=bad')).status).toBe(400);
    expect((await call('GET', '/v1/events/stream?provider=orbstack')).contentType).toBe('text/event-stream');
    expect((await call('GET', '/v1/events/stream?after=bad')).status).toBe(400);

    // Snapshots.
    await waitFor('running', async () => ((await call('GET', `/v1/instances/${id}`)).body as { status: string }).status === 'running' || undefined);
    const snapshot = await call('POST', `/v1/instances/${id}/snapshots`, { description: 'before upgrade' });
    expect(snapshot.status).toBe(202);
    const snapshotId = String((snapshot.body as { id: string }).id);
    expect((await call('POST', `/v1/instances/${id}/snapshots`, { colour: 'red' })).status).toBe(422);
    await call('POST', '/v1/instances/i-missing/snapshots');
    await call('GET', '/v1/snapshots?limit=5');
    await call('GET', '/v1/snapshots?cursor=bad');
    await call('GET', `/v1/snapshots/${snapshotId}`);
    await call('GET', '/v1/snapshots/snap-missing');
    await call('DELETE', `/v1/snapshots/${snapshotId}`);
    await call('DELETE', '/v1/snapshots/snap-missing');

    // Chaos.
    await call('GET', '/v1/providers/orbstack/chaos');
    await call('PUT', '/v1/providers/orbstack/chaos', { seed: 42, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', probability: 0.5 }] });
    expect((await call('PUT', '/v1/providers/orbstack/chaos', { seed: 1, faults: [{ operation: 'spawn', code: 'NOPE' }] })).status).toBe(422);
    expect((await call('PUT', '/v1/providers/orbstack/chaos', '')).status).toBe(400);
    await call('DELETE', '/v1/providers/orbstack/chaos');
    expect((await call('GET', '/v1/providers/faulty/chaos')).status).toBe(422);

    // Volumes on a provider without them.
    expect((await call('GET', '/v1/providers/orbstack/volumes')).status).toBe(422);
    expect((await call('POST', '/v1/providers/orbstack/volumes', { name: 'data', region: 'local-1', sizeGiB: 10 })).status).toBe(422);
    expect((await call('GET', '/v1/providers/orbstack/volumes/vol-1')).status).toBe(422);
    expect((await call('DELETE', '/v1/providers/orbstack/volumes/vol-1')).status).toBe(422);

    // Placement: offers, plans, a spawn by requirements with a failover, its evidence, the capacity-error cache.
    await cp.plane.ctx.registry.warmCatalogs();
    expect((await call('GET', '/v1/offers?vcpusMin=2&vcpusMax=2&spot=preferred&limit=3')).status).toBe(200);
    expect((await call('GET', '/v1/offers?vcpusMin=x')).status).toBe(422);
    expect((await call('GET', '/v1/offers?providers=nimbus')).status).toBe(422);
    expect((await call('POST', '/v1/offers/plan', { requirements: { gpu: { model: 'H100' } } })).status).toBe(200);
    expect((await call('POST', '/v1/offers/plan', { requirements: { vcpus: {} } })).status).toBe(422);
    expect((await call('POST', '/v1/instances', { requirements: { gpu: { model: 'H100', count: 8 } } })).status).toBe(422);
    cp.faulty.nextSpawnFault = new ProviderError({ code: 'CAPACITY_ERROR', provider: 'faulty', message: 'none left' });
    const placed = await call('POST', '/v1/instances', { requirements: { vcpus: { min: 4, max: 4 }, regions: ['local-1'] } });
    expect(placed.status).toBe(202);
    await call('GET', `/v1/instances/${String((placed.body as { id: string }).id)}/placement`);
    expect((await call('GET', `/v1/instances/${id}/placement`)).status).toBe(404);
    await call('GET', '/v1/capacity-errors?active=true');
    expect((await call('GET', '/v1/capacity-errors?active=maybe')).status).toBe(422);
    await call('DELETE', `/v1/instances/${String((placed.body as { id: string }).id)}`);

    // Readiness: a run, the status, the stored runs, one provider's evidence.
    const validation = await call('POST', '/api/automation/usage/provider-validation/run', { providers: ['orbstack', 'faulty'], mode: 'quick' });
    expect(validation.status).toBe(200);
    expect((await call('POST', '/api/automation/usage/provider-validation/run', { providers: ['nimbus'] })).status).toBe(422);
    expect((await call('POST', '/api/automation/usage/provider-validation/run', '{')).status).toBe(400);
    await call('GET', '/api/automation/usage/provider-validation');
    await call('GET', '/api/automation/usage/provider-validation/runs?limit=1');
    expect((await call('GET', '/api/automation/usage/provider-validation/runs?cursor=bad')).status).toBe(400);
    await call('GET', `/api/automation/usage/provider-validation/runs/${String((validation.body as { run_id: string }).run_id)}`);
    expect((await call('GET', '/api/automation/usage/provider-validation/runs/prv_missing')).status).toBe(404);
    await call('GET', '/api/automation/usage/provider-validation/providers/faulty');
    expect((await call('GET', '/api/automation/usage/provider-validation/providers/nimbus')).status).toBe(404);

    await call('GET', '/v1/registry/providers');
    // Governance: the mapping, overrides, reload (this plane has no loader).
    await call('GET', '/providers', undefined, { accept: 'application/json' });
    expect((await call('POST', '/providers/overrides', { capability: 'compute', adapters: ['orbstack'] })).status).toBe(200);
    expect((await call('POST', '/providers/overrides', { capability: 'compute', adapters: ['nimbus'] })).status).toBe(422);
    expect((await call('DELETE', '/providers/overrides/compute')).status).toBe(204);
    expect((await call('DELETE', '/providers/overrides/compute')).status).toBe(404);
    expect((await call('POST', '/providers/reload')).status).toBe(409);
    // Conformance runs: the kit over one compute and one LLM adapter, the stored reports, a run that spends nothing, refusals.
    expect((await call('POST', '/providers/conformance/run', { capability: 'compute', adapter: 'orbstack' })).status).toBe(200);
    expect((await call('POST', '/providers/conformance/run', { capability: 'llm', adapter: 'mock' })).status).toBe(200);
    expect((await call('POST', '/providers/conformance/run', { target: 'live' })).status).toBe(200);
    expect((await call('POST', '/providers/conformance/run', { adapter: 'nimbus' })).status).toBe(422);
    expect((await call('POST', '/providers/conformance/run', { target: 'prod' })).status).toBe(422);
    expect((await call('POST', '/providers/conformance/run', '{')).status).toBe(400);
    await call('GET', '/providers/conformance/reports');
    // Shadow and ramp: a candidate of the same kind, a comparison, a run started and stopped, ramps refused and stopped.
    const rolloutPair = { capability: 'compute', candidate: 'orbstack-next', current: 'orbstack' };
    expect((await call('POST', '/providers/shadow/compare-once', rolloutPair)).status).toBe(200);
    expect((await call('POST', '/providers/shadow/compare-once', { ...rolloutPair, candidate: 'nimbus' })).status).toBe(422);
    const shadowRun = await call('POST', '/providers/shadow/start', { ...rolloutPair, duration_sec: 60 });
    expect(shadowRun.status).toBe(200);
    expect((await call('POST', '/providers/shadow/start', { ...rolloutPair, duration_sec: 60 })).status).toBe(409);
    await call('GET', '/providers/shadow');
    expect((await call('POST', '/providers/shadow/stop', { shadow_id: (shadowRun.body as { shadow_id: string }).shadow_id })).status).toBe(200);
    expect((await call('POST', '/providers/shadow/stop', { shadow_id: 'shd-none' })).status).toBe(404);
    const simpleRun = await call('POST', '/providers/shadow/start/simple', rolloutPair);
    expect(simpleRun.status).toBe(200);
    await call('POST', '/providers/shadow/stop', { shadow_id: (simpleRun.body as { shadow_id: string }).shadow_id });
    expect((await call('POST', '/providers/ramp/5', rolloutPair)).status).toBe(409);
    expect((await call('POST', '/providers/ramp/7', rolloutPair)).status).toBe(422);
    expect((await call('POST', '/providers/ramp/0', rolloutPair)).status).toBe(200);
    await call('GET', '/providers/ramp');
    // Tokens: created (the secret once), listed, revoked; then back to an open loopback plane (no token left).
    const token = await call('POST', '/v1/tokens', { name: 'openapi', scopes: ['admin'] });
    expect(token.status).toBe(201);
    const admin = { authorization: `Bearer ${(token.body as { token: string }).token}` };
    expect((await call('POST', '/v1/tokens', { name: '', scopes: [] }, admin)).status).toBe(422);
    expect((await call('GET', '/v1/tokens', undefined, admin)).status).toBe(200);
    expect((await call('GET', '/v1/instances')).status).toBe(401);
    expect((await call('GET', '/v1/tokens', undefined, { authorization: 'Bearer hgr_wrong' })).status).toBe(401);
    expect((await call('DELETE', '/v1/tokens/tok-none', undefined, admin)).status).toBe(404);
    expect((await call('DELETE', `/v1/tokens/${(token.body as { id: string }).id}`, undefined, admin)).status).toBe(204);
    // The scaffold: an embedded plane has no source checkout to write into; bad input is refused before that.
    expect((await call('POST', '/self/providers/scaffold', { capability: 'compute', vendor: 'acme' })).status).toBe(409);
    expect((await call('POST', '/self/providers/scaffold', { capability: 'compute', vendor: 'Acme!' })).status).toBe(422);
    // The LLM gateway (the offline mock): models, routing, the policy, a generation, decisions and evals.
    await call('GET', '/llm/models');
    expect((await call('POST', '/llm/route/test', { prompt: 'hello', requirements: { capabilities: ['tools'] } })).status).toBe(200);
    expect((await call('POST', '/llm/route/test', { prompt: 'hello', colour: 'red' })).status).toBe(422);
    await call('GET', '/llm/policy');
    expect((await call('POST', '/llm/policy/update', { weights: { cost: 1, latency: 0, quality: 0, safety: 0 } })).status).toBe(200);
    expect((await call('POST', '/llm/policy/update', { weights: { cost: 0, latency: 0, quality: 0, safety: 0 } })).status).toBe(422);
    expect((await call('POST', '/llm/policy/update', '{')).status).toBe(400);
    const generated = await call('POST', '/v1/llm/generate', { prompt: 'ping' });
    expect(generated.status).toBe(200);
    expect((await call('POST', '/v1/llm/generate', { prompt: 'ping', model: 'mock/mock-text', providerOptions: { mock: { fail: 'RATE_LIMIT' } } })).status).toBe(429);
    expect((await call('POST', '/v1/llm/generate', { prompt: 'ping', model: 'no-such-model-anywhere' })).status).toBe(422);
    const decisionId = String((generated.body as { decisionId: string }).decisionId);
    await call('GET', '/v1/llm/decisions?limit=5');
    expect((await call('GET', '/v1/llm/decisions?limit=0')).status).toBe(422);
    await call('GET', `/v1/llm/decisions/${decisionId}`);
    expect((await call('GET', '/v1/llm/decisions/lrd-missing')).status).toBe(404);
    expect((await call('POST', `/v1/llm/decisions/${decisionId}/evals`, { score: 0.9 })).status).toBe(201);
    expect((await call('POST', `/v1/llm/decisions/${decisionId}/evals`, { score: 'high' })).status).toBe(422);
    expect((await call('POST', '/v1/llm/decisions/lrd-missing/evals', { score: 1 })).status).toBe(404);

    await call('DELETE', `/v1/instances/${id}`);
    await call('DELETE', '/v1/instances/i-missing');
    expect((await call('GET', '/v1/nothing')).status).toBe(404);

    const answers = recorded.filter((answer) => answer.path !== '/v1/nothing');
    expect(answers.every((answer) => answer.status !== 500)).toBe(true);
    expect(answers.flatMap((answer) => problemsOf(validator, answer))).toEqual([]);
    // Every operation of the document was driven here (the volume routes' successes are in the next test).
    const driven = new Set(answers.map((answer) => `${answer.method} ${validator.templateFor(answer.path.split('?')[0] ?? '')}`));
    expect(documentedRoutes(document).filter((route) => !driven.has(route))).toEqual([]);
  });

  it('describes the volume routes as AWS answers them', async () => {
    aws = await startAwsControlPlaneBed({}, 'team-a');
    const app = aws.plane.app;
    const { recorded, call } = recorder((path, init) => app.request(path, init));
    const validator = new OpenApiValidator(await documentOf((path, init) => app.request(path, init)));

    const created = await call('POST', '/v1/providers/aws/volumes', { name: 'data', region: 'us-east-1', sizeGiB: 20, tags: { team: 'ml' } });
    expect(created.status).toBe(201);
    const volumeId = String((created.body as { providerVolumeId: string }).providerVolumeId);
    expect((await call('POST', '/v1/providers/aws/volumes', { name: 'data', region: 'us-east-1', sizeGiB: 20, owner: 'me' })).status).toBe(422);
    expect((await call('POST', '/v1/providers/aws/volumes', 'not json')).status).toBe(400);
    await call('GET', '/v1/providers/aws/volumes');
    await waitFor('available', async () => ((await call('GET', `/v1/providers/aws/volumes/${volumeId}`)).body as { status: string }).status === 'available' || undefined);
    expect((await call('GET', '/v1/providers/aws/volumes/vol-0000000000000000f')).status).toBe(404);
    expect((await call('DELETE', `/v1/providers/aws/volumes/${volumeId}`)).status).toBe(204);
    expect((await call('GET', '/v1/providers/nimbus/volumes')).status).toBe(404);

    expect(recorded.flatMap((answer) => problemsOf(validator, answer))).toEqual([]);
  });

  it('fails an answer the document does not describe', async () => {
    cp = await startTestControlPlane();
    const app = cp.plane.app;
    const validator = new OpenApiValidator(await documentOf((path, init) => app.request(path, init)));
    const { call } = recorder((path, init) => app.request(path, init));
    const instance = await call('POST', '/v1/instances', { provider: 'orbstack', instanceType: 'orb.small' });
    // The same answer with a status the route never gives, a field of the wrong type, or an undocumented code.
    expect(problemsOf(validator, { ...instance, status: 200 })).not.toEqual([]);
    expect(problemsOf(validator, { ...instance, body: { ...(instance.body as object), spot: 'no' } })).not.toEqual([]);
    expect(problemsOf(validator, { ...instance, status: 404, body: { error: { code: 'SNAPSHOT_NOT_FOUND', message: 'x' } } })).not.toEqual([]);
  });
});
