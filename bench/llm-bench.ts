import { startAnthropicEmulator } from '../src/emulators/anthropic/start-anthropic-emulator.js';
import { startOpenAiEmulator } from '../src/emulators/openai/start-openai-emulator.js';
import { startOpenRouterEmulator } from '../src/emulators/openrouter/start-openrouter-emulator.js';
import {
  AnthropicAdapter,
  type AdapterContext,
  type ContentPart,
  createMockAdapter,
  createOpenAiAdapter,
  createOpenRouterAdapter,
  type HttpJsonRequest,
  type Message,
  normalizeHandoffMessages,
  type ProviderAdapter,
  type ProviderRequest,
  ProviderRuntime,
  type ToolDefinition,
  type Transport,
} from '../src/llm/index.js';
import type { BenchContext, BenchResult, Benchmark, Metric, Target } from './benchmark.js';
import { againIfClosed, timeEach, timeInterleaved } from './interleaved-timing.js';
import { summarizeLatencies } from './latency-stats.js';
import { formatNumber } from './report.js';

const PROVIDERS = ['openai', 'anthropic', 'openrouter'] as const;
type Provider = (typeof PROVIDERS)[number];
const MODELS: Record<Provider, string> = { openai: 'gpt-4o-mini', anthropic: 'claude-sonnet-4-5', openrouter: 'openai/gpt-4o-mini' };
const KEYS: Record<Provider, string> = { openai: 'sk-bench-openai', anthropic: 'sk-bench-anthropic', openrouter: 'sk-or-v1-bench' };

const CODEC_WARMUP = 2_000;
const CODEC_SAMPLES = 20_000;
const HTTP_WARMUP = 100;
const HTTP_SAMPLES = 1_000;
const CODEC_TARGET_US = 50;
const OVERHEAD_TARGET_MS = 1;

const TOOLS: ToolDefinition[] = [
  { name: 'get_weather', description: 'The current weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] } },
  { name: 'get_time', description: 'The local time in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
];

/** A 20-message conversation: a system prompt, four tool rounds (ask, call, result, answer), then three more turns ending on a question. */
function conversation(): Message[] {
  const text = (value: string): ContentPart => ({ type: 'text', text: value });
  const messages: Message[] = [{ role: 'system', content: [text('You are a concise travel assistant. Use the tools for weather and time; answer in one or two sentences.')] }];
  const cities = ['Paris', 'Berlin', 'Lisbon', 'Oslo'];
  cities.forEach((city, index) => {
    const id = `call_round${index}`;
    messages.push({ role: 'user', content: [text(`What is the weather like in ${city} this afternoon, and should I bring an umbrella for a walk along the river?`)] });
    messages.push({ role: 'assistant', content: [{ type: 'tool-call', id, name: 'get_weather', arguments: { city, unit: 'c' } }] });
    messages.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: id, toolName: 'get_weather', content: JSON.stringify({ city, temperatureC: 14 + index, sky: index % 2 === 0 ? 'clear' : 'light rain', windKph: 12 }) }] });
    messages.push({ role: 'assistant', content: [text(`In ${city} it is ${14 + index} °C and ${index % 2 === 0 ? 'clear' : 'lightly raining'}; ${index % 2 === 0 ? 'no umbrella needed' : 'take an umbrella'}.`)] });
  });
  messages.push({ role: 'user', content: [text('Thanks. Which of those cities was the warmest?')] });
  messages.push({ role: 'assistant', content: [text('Oslo, at 17 °C, was the warmest of the four this afternoon.')] });
  messages.push({ role: 'user', content: [text('Great. What time is it there now?')] });
  return messages;
}

function requestFor(provider: Provider | 'mock'): ProviderRequest {
  const model = provider === 'mock' ? 'mock-echo' : MODELS[provider];
  // The conversation as the provider wants it (its tool-call id format), as a handoff would make it.
  const { messages } = normalizeHandoffMessages(conversation(), 'openai', provider);
  return { model: { provider, model }, messages, tools: TOOLS, toolChoice: 'auto', maxOutputTokens: 256, temperature: 0.2 };
}

/** A transport that answers every send with one recorded vendor body: the adapter's encode and decode, no HTTP. */
function cannedTransport(body: unknown): Transport {
  const answer = { status: 200, headers: new Headers({ 'content-type': 'application/json' }), body };
  return { send: async () => answer };
}

interface Recorded {
  request: HttpJsonRequest;
  response: unknown;
}

/** Runs one real call through the emulator, recording the vendor request the adapter sent and the body it got back. */
async function record(adapter: ProviderAdapter, request: ProviderRequest, baseUrl: string, key: string): Promise<Recorded> {
  let recorded: Recorded | undefined;
  const transport: Transport = {
    async send(httpRequest, decodeError, signal) {
      const headers = { accept: 'application/json', 'content-type': 'application/json', ...httpRequest.headers };
      const response = await fetch(httpRequest.url, { method: httpRequest.method, headers, body: JSON.stringify(httpRequest.body), ...(signal && { signal }) });
      const body: unknown = await response.json();
      if (response.status !== 200) throw decodeError(response.status, response.headers, body);
      recorded = { request: httpRequest, response: body };
      return { status: response.status, headers: response.headers, body };
    },
  };
  await againIfClosed(() => adapter.run(request, { transport, token: () => key, baseUrl }));
  if (recorded === undefined) throw new Error(`${adapter.id}: nothing recorded`);
  return recorded;
}

const us = (ms: number) => Math.round(ms * 1000 * 100) / 100;
const ratio = (value: number) => Math.round(value * 100) / 100;


/**
 * The LLM runtime's own cost (issue: LLM runtime, phase 4):
 *
 * 1. Encode + decode per request for a 20-message conversation with tools, per adapter: the
 *    adapter's `run` against a transport that answers at once with the vendor body the emulator gave
 *    for that request (so no HTTP, only the adapter's work), p50 over 20,000 calls. Baseline beside
 *    it: JSON.stringify of the vendor request plus JSON.parse of the vendor answer, the least any
 *    client does with those two bodies.
 * 2. The runtime's overhead over a bare fetch, per provider, against the emulators in this process on
 *    loopback: `runtime.run` (validation, adapter, the retry-policy transport, pricing) against a
 *    bare `fetch` of the same vendor request and `response.json()`, timed alternately, p50 of each,
 *    their difference, and the p50 of the call-by-call differences (the target: on a shared machine
 *    it is the steadier estimate, since each runtime call is paired with the bare call after it).
 */
export const llmBenchmark: Benchmark = {
  name: 'llm',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const openai = await startOpenAiEmulator({ apiKeys: [KEYS.openai] });
    ctx.defer(() => openai.close());
    const anthropic = await startAnthropicEmulator({ apiKeys: [KEYS.anthropic] });
    ctx.defer(() => anthropic.close());
    const openrouter = await startOpenRouterEmulator({ apiKeys: [KEYS.openrouter], creditsUsd: null });
    ctx.defer(() => openrouter.close());
    const urls: Record<Provider, string> = { openai: openai.url, anthropic: anthropic.url, openrouter: openrouter.url };
    const adapters: Record<Provider, ProviderAdapter> = { openai: createOpenAiAdapter(), anthropic: new AnthropicAdapter(), openrouter: createOpenRouterAdapter() };

    const metrics: Metric[] = [];
    const targets: Target[] = [];
    const messageCount = conversation().length;

    // 1. Encode + decode, per adapter.
    for (const provider of PROVIDERS) {
      const adapter = adapters[provider];
      const request = requestFor(provider);
      const recorded = await record(adapter, request, urls[provider], KEYS[provider]);
      const context: AdapterContext = { transport: cannedTransport(recorded.response), token: () => KEYS[provider], baseUrl: urls[provider] };
      const codec = summarizeLatencies(await timeEach(CODEC_SAMPLES, CODEC_WARMUP, () => adapter.run(request, context)));
      const responseText = JSON.stringify(recorded.response);
      const baseline = summarizeLatencies(
        await timeEach(CODEC_SAMPLES, CODEC_WARMUP, () => {
          JSON.stringify(recorded.request.body);
          return JSON.parse(responseText);
        }),
      );
      ctx.log(`${provider}: encode+decode p50 ${formatNumber(us(codec.p50Ms))} µs (p99 ${formatNumber(us(codec.p99Ms))} µs); JSON baseline p50 ${formatNumber(us(baseline.p50Ms))} µs`);
      metrics.push(
        { key: `${provider}CodecP50Us`, label: `${provider}: encode+decode p50 (${messageCount} messages, tools)`, value: us(codec.p50Ms), unit: 'µs' },
        { key: `${provider}CodecP99Us`, label: `${provider}: encode+decode p99`, value: us(codec.p99Ms), unit: 'µs' },
        { key: `${provider}JsonBaselineP50Us`, label: `${provider}: baseline p50 (JSON.stringify req + JSON.parse resp)`, value: us(baseline.p50Ms), unit: 'µs' },
        { key: `${provider}CodecRatio`, label: `${provider}: encode+decode p50 / baseline p50`, value: ratio(codec.p50Ms / baseline.p50Ms), unit: 'x' },
      );
      targets.push({ key: `${provider}Codec`, label: `${provider} encode+decode p50`, goal: `< ${CODEC_TARGET_US} µs`, actual: `${formatNumber(us(codec.p50Ms))} µs`, met: us(codec.p50Ms) < CODEC_TARGET_US });
    }

    // 2. The runtime over a bare fetch, per provider.
    const runtime = ProviderRuntime.builder()
      .adapter(adapters.openai)
      .adapter(adapters.anthropic)
      .adapter(adapters.openrouter)
      .adapter(createMockAdapter())
      .token((provider) => KEYS[provider as Provider] ?? '')
      .baseUrl('openai', urls.openai)
      .baseUrl('anthropic', urls.anthropic)
      .baseUrl('openrouter', urls.openrouter)
      .build();
    for (const provider of PROVIDERS) {
      const request = requestFor(provider);
      const recorded = await record(adapters[provider], request, urls[provider], KEYS[provider]);
      const bareBody = JSON.stringify(recorded.request.body);
      const bareHeaders = { accept: 'application/json', 'content-type': 'application/json', ...recorded.request.headers };
      const bare = async () => {
        const response = await fetch(recorded.request.url, { method: 'POST', headers: bareHeaders, body: bareBody });
        return response.json();
      };
      const timed = await timeInterleaved(HTTP_SAMPLES, HTTP_WARMUP, () => runtime.run(request), bare);
      const viaRuntime = summarizeLatencies(timed.a);
      const viaFetch = summarizeLatencies(timed.b);
      const overhead = viaRuntime.p50Ms - viaFetch.p50Ms;
      const pairedOverhead = summarizeLatencies(timed.a.map((time, index) => time - (timed.b[index] ?? 0))).p50Ms;
      ctx.log(`${provider}: runtime.run p50 ${formatNumber(viaRuntime.p50Ms)} ms, bare fetch p50 ${formatNumber(viaFetch.p50Ms)} ms, overhead ${formatNumber(us(overhead))} µs (paired ${formatNumber(us(pairedOverhead))} µs)`);
      metrics.push(
        { key: `${provider}RuntimeP50Ms`, label: `${provider}: runtime.run p50 (emulator, loopback)`, value: Math.round(viaRuntime.p50Ms * 1000) / 1000, unit: 'ms' },
        { key: `${provider}BareFetchP50Ms`, label: `${provider}: bare fetch + json() p50 (baseline)`, value: Math.round(viaFetch.p50Ms * 1000) / 1000, unit: 'ms' },
        { key: `${provider}OverheadP50Us`, label: `${provider}: runtime p50 − bare p50`, value: us(overhead), unit: 'µs' },
        { key: `${provider}PairedOverheadP50Us`, label: `${provider}: p50 of (runtime − bare), call by call`, value: us(pairedOverhead), unit: 'µs' },
        { key: `${provider}RuntimeRatio`, label: `${provider}: runtime p50 / bare p50`, value: ratio(viaRuntime.p50Ms / viaFetch.p50Ms), unit: 'x' },
      );
      // The target reads the paired estimate: each runtime call minus the bare call right after it, so a
      // slow stretch of a shared machine falls on both sides of each difference.
      targets.push({ key: `${provider}Overhead`, label: `${provider} runtime overhead p50 (paired)`, goal: `< ${OVERHEAD_TARGET_MS} ms`, actual: `${formatNumber(us(pairedOverhead))} µs`, met: pairedOverhead < OVERHEAD_TARGET_MS });
    }

    // The runtime with no HTTP at all (the mock adapter): validation, routing and pricing alone.
    const mockRequest = requestFor('mock');
    const mock = summarizeLatencies(await timeEach(CODEC_SAMPLES / 4, CODEC_WARMUP, () => runtime.run(mockRequest)));
    metrics.push({ key: 'mockRuntimeP50Us', label: `mock: runtime.run p50 (no HTTP; ${messageCount} messages)`, value: us(mock.p50Ms), unit: 'µs' });
    return { metrics, targets };
  },
};
