import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningOpenAiEmulator, startOpenAiEmulator } from '../../src/emulators/openai/start-openai-emulator.js';
import { goesToCandidate } from '../../src/governance/rollout/index.js';
import { type LoopbackProxy, startLoopbackProxy } from '../support/loopback-proxy.js';
import { waitFor } from '../support/wait-for.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

/**
 * Shadow and ramp of the LLM gateway capability (docs/governance.md): `openai` and a candidate
 * `openai-next` of the same kind (an OpenAI-compatible adapter by base URL) reaching the same emulated
 * account through a loopback proxy the test can turn into a failing upstream.
 */
const KEY = 'sk-test-PLANTED-rollout-key-5a7e';
const MODEL = 'gpt-4o-mini';

let openai: RunningOpenAiEmulator;
let proxy: LoopbackProxy;
let cp: TestControlPlane;

beforeAll(async () => {
  openai = await startOpenAiEmulator({ seed: 8, apiKeys: [KEY] });
  proxy = await startLoopbackProxy(openai.url);
  cp = await startTestControlPlane({
    env: { OPENAI_API_KEY: KEY },
    llmHooks: { sleep: async () => {}, random: () => 0 },
    settings: {
      readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 },
      llm: {
        providers: { mock: {}, openai: { baseUrl: openai.url }, 'openai-next': { kind: 'openai', baseUrl: proxy.url, apiKeyEnv: 'OPENAI_API_KEY', probeModel: MODEL } },
        retryBaseDelayMs: 0,
        retryMaxDelayMs: 0,
      },
      governance: { rollout: { slo: { minSamples: 2, maxErrorRate: 0.5, maxP95Regression: 1_000 } } },
    },
  });
  // The candidate's models come from its own /models (an OpenAI-compatible gateway), read in the background at start.
  const plane = cp;
  await waitFor('the candidate’s models discovered', async () => {
    const models = (await plane.call('GET', '/llm/models')).json.models as { provider: string; model: string }[];
    return models.some((model) => model.provider === 'openai-next' && model.model === MODEL) ? true : undefined;
  });
});

afterAll(async () => {
  await cp?.close();
  await proxy?.close();
  await openai?.close();
});

const pair = { capability: 'llm_gateway', candidate: 'openai-next' };
const generate = (key: string) => cp.call('POST', '/v1/llm/generate', { model: `openai/${MODEL}`, prompt: `hello ${key}`, maxOutputTokens: 16 }, { 'Idempotency-Key': key });

function keys(prefix: string, stage: number, toCandidate: boolean, count: number): string[] {
  const found: string[] = [];
  for (let index = 0; found.length < count; index += 1) if (goesToCandidate(`${prefix}-${index}`, stage, 'openai-next') === toCandidate) found.push(`${prefix}-${index}`);
  return found;
}

describe('LLM gateway rollout', () => {
  it('compares one request through both adapters, mirrors generates while a shadow runs, ramps requests by key, and rolls back on candidate errors', async () => {
    const compared = await cp.call('POST', '/providers/shadow/compare-once', { ...pair, model: MODEL });
    expect(compared.status).toBe(200);
    expect(compared.json).toMatchObject({ current: 'openai', candidate: 'openai-next', comparisons: 1, mismatches: 0, decision: 'proceed' });

    // While a shadow runs, the same request goes to the candidate; routing leaves the candidate out.
    const shadow = await cp.call('POST', '/providers/shadow/start', { ...pair, duration_sec: 60 });
    expect(shadow.status).toBe(200);
    const mapping = await cp.call('GET', '/providers');
    expect(mapping.json.adapters.find((adapter: { name: string }) => adapter.name === 'openai-next').state).toBe('candidate');
    expect(mapping.json.capabilities.llm_gateway).not.toContain('openai-next');
    const before = proxy.requests.length;
    expect((await generate('mirror-1')).status).toBe(200);
    const plane = cp;
    await waitFor('the generate mirrored', async () => ((await plane.call('GET', '/providers/shadow')).json.shadows[0].comparisons >= 1 ? true : undefined));
    expect(proxy.requests.slice(before).some((request) => request.startsWith('POST ') && request.includes('chat/completions'))).toBe(true);
    const stopped = await cp.call('POST', '/providers/shadow/stop', { shadow_id: shadow.json.shadow_id });
    expect(stopped.json).toMatchObject({ fields_mismatches: 0, candidate_errors: 0, decision: 'proceed' });

    expect((await cp.call('POST', '/providers/ramp/50', pair)).json).toMatchObject({ stage: 50, state: 'ramping' });
    for (const key of [...keys('llm-a', 50, true, 2), ...keys('llm-a', 50, false, 2)]) {
      const answer = await generate(key);
      expect(answer.status).toBe(200);
      expect(answer.json.model.provider).toBe(goesToCandidate(key, 50, 'openai-next') ? 'openai-next' : 'openai');
    }

    proxy.mode = 'fail';
    try {
      // 2 successes, then failed attempts (each request is tried twice: the ladder's retries): the 2nd request makes 4/6, past the 0.5 the test's SLO allows.
      for (const key of keys('llm-b', 50, true, 2)) {
        const failed = await generate(key);
        expect(failed.status).toBe(502);
        expect(failed.json.error).toMatchObject({ code: 'LLM_SERVER', provider: 'openai-next' });
      }
    } finally {
      proxy.mode = 'pass';
    }
    const ramp = (await cp.call('GET', '/providers/ramp')).json.ramps[0];
    expect(ramp).toMatchObject({ capability: 'llm_gateway', stage: 0, state: 'rolled_back' });
    expect(ramp.rollback.breaches[0].metric).toBe('error_rate');
    for (const key of keys('llm-a', 50, true, 2)) expect((await generate(`${key}-after`)).json.model.provider).toBe('openai');
    expect(cp.logs.join('\n')).not.toContain(KEY);
  });
});
