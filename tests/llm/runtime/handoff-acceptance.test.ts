import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicEmulator } from '../../../src/emulators/anthropic/start-anthropic-emulator.js';
import { startOpenAiEmulator } from '../../../src/emulators/openai/start-openai-emulator.js';
import { startOpenRouterEmulator } from '../../../src/emulators/openrouter/start-openrouter-emulator.js';
import { AnthropicAdapter } from '../../../src/llm/adapters/anthropic/index.js';
import { createOpenAiAdapter } from '../../../src/llm/adapters/openai/index.js';
import { createOpenRouterAdapter } from '../../../src/llm/adapters/openrouter/index.js';
import type { Message, ModelRef, ProviderResponse, ToolDefinition } from '../../../src/llm/core/canonical-types.js';
import { ProviderRuntime } from '../../../src/llm/runtime/provider-runtime.js';

/**
 * Phase 4 acceptance: one canonical conversation with a tool call runs on all three providers
 * against their emulators, then is handed off OpenAI → Anthropic → OpenRouter → OpenAI, and every
 * step's canonical result has the same shape (the same tool call, name and arguments; a final answer
 * of one non-empty text). The emulators are deterministic; the keys are planted fakes, and no error
 * or answer may carry them.
 */
const KEYS = { openai: 'sk-test-PLANTED-openai-1f2e3d', anthropic: 'sk-ant-test-PLANTED-anthropic-4c5b6a', openrouter: 'sk-or-v1-test-PLANTED-openrouter-7a8b9c' } as const;
const MODELS: Record<'openai' | 'anthropic' | 'openrouter', ModelRef> = {
  openai: { provider: 'openai', model: 'gpt-4o-mini' },
  anthropic: { provider: 'anthropic', model: 'claude-sonnet-4-5' },
  openrouter: { provider: 'openrouter', model: 'openai/gpt-4o-mini' },
};
/** A one-value enum: every emulator's schema sampler fills it the same way, so the three tool calls can be compared. */
const TOOLS: ToolDefinition[] = [
  { name: 'get_weather', description: 'The current weather in a city', parameters: { type: 'object', properties: { city: { type: 'string', enum: ['Paris'] } }, required: ['city'], additionalProperties: false } },
];
const EXPECTED_CALL = [{ name: 'get_weather', arguments: { city: 'Paris' } }];
const START: Message[] = [
  { role: 'system', content: [{ type: 'text', text: 'You are a weather assistant. Use the tools you are given.' }] },
  { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris right now?' }] },
];

const emulators: { close(): Promise<void> }[] = [];
let runtime: ProviderRuntime;
let urls: Record<'openai' | 'anthropic' | 'openrouter', string>;

beforeAll(async () => {
  const openai = await startOpenAiEmulator({ seed: 7, apiKeys: [KEYS.openai] });
  const anthropic = await startAnthropicEmulator({ seed: 7, apiKeys: [KEYS.anthropic] });
  const openrouter = await startOpenRouterEmulator({ seed: 7, apiKeys: [KEYS.openrouter] });
  emulators.push(openai, anthropic, openrouter);
  urls = { openai: openai.url, anthropic: anthropic.url, openrouter: openrouter.url };
  runtime = ProviderRuntime.builder()
    .adapter(createOpenAiAdapter())
    .adapter(new AnthropicAdapter())
    .adapter(createOpenRouterAdapter())
    .token((provider) => KEYS[provider as keyof typeof KEYS] ?? '')
    .baseUrl('openai', openai.url)
    .baseUrl('anthropic', anthropic.url)
    .baseUrl('openrouter', openrouter.url)
    .retryPolicy({ maxAttempts: 1 })
    .build();
});

afterAll(async () => {
  await Promise.all(emulators.map((emulator) => emulator.close()));
});

const calls = (response: ProviderResponse) => response.output.content.flatMap((part) => (part.type === 'tool-call' ? [{ name: part.name, arguments: part.arguments }] : []));
/** What a final answer looks like, whoever wrote it. */
const shape = (response: ProviderResponse) => ({
  finish: response.finishReason.unified,
  parts: response.output.content.map((part) => part.type),
  textNonEmpty: response.output.content.every((part) => part.type !== 'text' || part.text.trim().length > 0),
});
const FINAL_SHAPE = { finish: 'stop', parts: ['text'], textNonEmpty: true };

/** The conversation after a tool-calling answer: the answer itself and the tool's result for each call. */
function answered(conversation: readonly Message[], response: ProviderResponse, result: string): Message[] {
  const results = response.output.content.flatMap((part) => (part.type === 'tool-call' ? [{ type: 'tool-result' as const, toolCallId: part.id, toolName: part.name, content: result }] : []));
  return [...conversation, { role: 'assistant', content: response.output.content }, { role: 'tool', content: results }];
}

async function runOn(provider: keyof typeof MODELS, conversation: readonly Message[]): Promise<ProviderResponse> {
  return runtime.run({ model: MODELS[provider], messages: conversation, tools: TOOLS, toolChoice: 'auto', maxOutputTokens: 512 });
}

function expectNoSecret(value: unknown): void {
  const text = JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Error ? { name: inner.name, message: inner.message, cause: inner.cause } : inner));
  for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
}

describe('a canonical conversation with a tool call, on every provider (emulators)', () => {
  for (const provider of ['openai', 'anthropic', 'openrouter'] as const) {
    it(`${provider}: calls get_weather, then answers its result in one text`, async () => {
      const first = await runOn(provider, START);
      expect(first.finishReason.unified).toBe('tool_calls');
      expect(calls(first)).toEqual(EXPECTED_CALL);
      const second = await runOn(provider, answered(START, first, '{"temperature_c":18,"sky":"clear"}'));
      expect(calls(second)).toEqual([]);
      expect(shape(second)).toEqual(FINAL_SHAPE);
      // Priced: OpenRouter by its own word, the others by the bundled catalog.
      expect(second.cost?.source.kind).toBe(provider === 'openrouter' ? 'vendor' : 'catalog');
      expect(second.cost?.total).not.toBeNull();
      expectNoSecret([first, second]);
    });
  }
});

describe('the conversation handed off OpenAI → Anthropic → OpenRouter → OpenAI', () => {
  it('keeps every step’s canonical result: the same tool call, the same final answer shape', async () => {
    // OpenAI starts: it calls the tool.
    const onOpenAi = await runOn('openai', START);
    expect(calls(onOpenAi)).toEqual(EXPECTED_CALL);
    let conversation = answered(START, onOpenAi, '{"temperature_c":18,"sky":"clear"}');

    // Anthropic answers the tool result: ids rewritten to toolu_…, on the call and the result alike.
    const toAnthropic = runtime.handoff(conversation, 'openai', MODELS.anthropic);
    expect(toAnthropic.warnings).toEqual([]);
    const anthropicIds = toAnthropic.messages.flatMap((message) => message.content.flatMap((part) => (part.type === 'tool-call' ? [part.id] : part.type === 'tool-result' ? [part.toolCallId] : [])));
    expect(anthropicIds).toHaveLength(2);
    expect(anthropicIds[0]).toMatch(/^toolu_/);
    expect(anthropicIds[1]).toBe(anthropicIds[0]);
    const onAnthropic = await runOn('anthropic', toAnthropic.messages);
    expect(shape(onAnthropic)).toEqual(FINAL_SHAPE);
    conversation = [...toAnthropic.messages, { role: 'assistant', content: onAnthropic.output.content }, { role: 'user', content: [{ type: 'text', text: 'And what about later today?' }] }];

    // OpenRouter takes the next question: it calls the tool again.
    const toOpenRouter = runtime.handoff(conversation, 'anthropic', MODELS.openrouter);
    expect(toOpenRouter.warnings).toEqual([]);
    const onOpenRouter = await runOn('openrouter', toOpenRouter.messages);
    expect(calls(onOpenRouter)).toEqual(EXPECTED_CALL);
    expect(onOpenRouter.cost?.source.kind).toBe('vendor');
    conversation = answered(toOpenRouter.messages, onOpenRouter, '{"temperature_c":21,"sky":"cloudy"}');

    // And OpenAI answers it: every id now call_…, each call answered once.
    const toOpenAi = runtime.handoff(conversation, 'openrouter', MODELS.openai);
    expect(toOpenAi.warnings).toEqual([]);
    for (const message of toOpenAi.messages) {
      for (const part of message.content) {
        if (part.type === 'tool-call') expect(part.id).toMatch(/^call_/);
        if (part.type === 'tool-result') expect(part.toolCallId).toMatch(/^call_/);
      }
    }
    const onOpenAiAgain = await runOn('openai', toOpenAi.messages);
    expect(shape(onOpenAiAgain)).toEqual(FINAL_SHAPE);
    expectNoSecret([onOpenAi, onAnthropic, onOpenRouter, onOpenAiAgain, toOpenAi]);
  });

  it('is deterministic: the same chain twice gives the same canonical answers', async () => {
    const first = await runOn('openai', START);
    const again = await runOn('openai', START);
    expect(again.output).toEqual(first.output);
    const handed = runtime.handoff(answered(START, first, 'ok'), 'openai', MODELS.anthropic);
    expect(runtime.handoff(answered(START, again, 'ok'), 'openai', MODELS.anthropic)).toEqual(handed);
  });
});

describe('credentials stay out of errors', () => {
  it('a refused key is an AUTH error that names neither the key given nor the one expected', async () => {
    const wrong = 'sk-test-PLANTED-wrong-key-0d0e0f';
    const refused = ProviderRuntime.builder()
      .adapter(createOpenAiAdapter())
      .adapter(new AnthropicAdapter())
      .adapter(createOpenRouterAdapter())
      .token(() => wrong)
      .baseUrl('openai', urls.openai)
      .baseUrl('anthropic', urls.anthropic)
      .baseUrl('openrouter', urls.openrouter)
      .retryPolicy({ maxAttempts: 1 })
      .build();
    for (const provider of ['openai', 'anthropic', 'openrouter'] as const) {
      const error = await refused.run({ model: MODELS[provider], messages: START }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'AUTH', retryable: false });
      const seen = JSON.stringify({ message: (error as Error).message, raw: (error as { raw?: unknown }).raw, stack: (error as Error).stack });
      expect(seen).not.toContain(wrong);
      expectNoSecret(seen);
    }
  });
});
