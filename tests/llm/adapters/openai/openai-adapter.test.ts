import { describe, expect, it } from 'vitest';
import type { AdapterContext, HttpJsonRequest, Transport } from '../../../../src/llm/core/adapter-contract.js';
import { ModelInfoSchema, ProviderResponseSchema } from '../../../../src/llm/core/canonical-types.js';
import { ConfigError, ProviderError } from '../../../../src/llm/core/runtime-errors.js';
import { createOpenAiAdapter, openAiAdapter } from '../../../../src/llm/adapters/openai/openai-adapter.js';
import { decodeOpenAiResponse, decodeOpenAiUsage } from '../../../../src/llm/adapters/openai/openai-decoder.js';
import { decodeOpenAiError, openAiRetryAfterMs } from '../../../../src/llm/adapters/openai/openai-errors.js';

const SECRET = 'sk-planted-fake-key-5f3a9c1e7b2d';
const MODEL = { provider: 'openai', model: 'gpt-4o' };
const completion = (message: Record<string, unknown>, finish = 'stop') => ({
  id: 'chatcmpl-x',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, ...message }, finish_reason: finish, logprobs: null }],
});

/** A transport that records what the adapter asked and answers from a script (a 2xx body, or an error status run through decodeError). */
function scriptedTransport(answer: { status: number; body: unknown; headers?: Record<string, string> }) {
  const sent: HttpJsonRequest[] = [];
  const transport: Transport = {
    async send(request, decodeError) {
      sent.push(request);
      const headers = new Headers(answer.headers ?? {});
      if (answer.status >= 300) throw decodeError(answer.status, headers, answer.body);
      return { status: answer.status, headers, body: answer.body };
    },
  };
  return { transport, sent };
}

const context = (transport: Transport, extra: Partial<AdapterContext> = {}): AdapterContext => ({ transport, token: () => SECRET, ...extra });

describe('the OpenAI adapter', () => {
  it('posts the encoded body to /v1/chat/completions with the Bearer token, and decodes the answer with the encoder warnings first', async () => {
    const { transport, sent } = scriptedTransport({ status: 200, body: completion({ content: 'hello' }) });
    const response = await openAiAdapter.run({ model: { provider: 'openai', model: 'o4-mini' }, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], temperature: 0.3 }, context(transport));
    expect(sent).toEqual([
      {
        method: 'POST',
        url: 'https://api.openai.com/v1/chat/completions',
        headers: { authorization: `Bearer ${SECRET}` },
        body: { model: 'o4-mini', messages: [{ role: 'user', content: 'hi' }] },
      },
    ]);
    expect(ProviderResponseSchema.parse(response).output.content).toEqual([{ type: 'text', text: 'hello' }]);
    expect(response.warnings.map((warning) => warning.code)).toEqual(['setting_dropped']);
  });

  it("uses the context's base URL (trailing slash trimmed) and the adapter's organization and project headers", async () => {
    const { transport, sent } = scriptedTransport({ status: 200, body: completion({ content: 'x' }) });
    await createOpenAiAdapter({ organization: 'org-1', project: 'proj-1' }).run({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }] }, context(transport, { baseUrl: 'http://127.0.0.1:9/' }));
    expect(sent[0]).toMatchObject({ url: 'http://127.0.0.1:9/v1/chat/completions', headers: { 'openai-organization': 'org-1', 'openai-project': 'proj-1' } });
  });

  it('refuses to call without a key (ConfigError), before any request', async () => {
    const { transport, sent } = scriptedTransport({ status: 200, body: {} });
    await expect(openAiAdapter.discoverModels(context(transport, { token: () => '' }))).rejects.toBeInstanceOf(ConfigError);
    expect(sent).toEqual([]);
  });

  it('scrubs the token from an error that echoes it (message and raw)', async () => {
    const body = { error: { message: `Incorrect API key provided: ${SECRET}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
    const { transport } = scriptedTransport({ status: 401, body });
    const error = await openAiAdapter.run({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }] }, context(transport)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('AUTH');
    expect(JSON.stringify({ message: (error as ProviderError).message, raw: (error as ProviderError).raw })).not.toContain(SECRET);
    expect((error as ProviderError).message).toContain('[redacted]');
  });

  it('discovers chat models from /v1/models: origin remote, unknown figures null, non-chat models left out', async () => {
    const { transport, sent } = scriptedTransport({
      status: 200,
      body: {
        object: 'list',
        data: [
          { id: 'gpt-4o', object: 'model', created: 1, owned_by: 'system' },
          { id: 'text-embedding-3-small', object: 'model', created: 1, owned_by: 'system' },
          { id: 'o3-mini', object: 'model', created: 1, owned_by: 'system' },
          { id: 'acme-next', object: 'model', created: 1, owned_by: 'acme' },
          { id: 'whisper-1', object: 'model', created: 1, owned_by: 'system' },
        ],
      },
    });
    const models = await openAiAdapter.discoverModels(context(transport, { now: () => Date.UTC(2025, 0, 2) }));
    expect(sent[0]).toMatchObject({ method: 'GET', url: 'https://api.openai.com/v1/models' });
    expect(models.map((model) => model.model)).toEqual(['acme-next', 'gpt-4o', 'o3-mini']);
    for (const model of models) expect(ModelInfoSchema.parse(model)).toMatchObject({ origin: 'remote', contextWindow: null, maxOutputTokens: null, displayName: null, prices: { inputPerMillion: null } });
    expect(models[0]!.sources.capabilities).toBeNull();
    expect(models[2]).toMatchObject({ capabilities: { tools: true, vision: false, jsonSchema: true, reasoning: true }, sources: { capabilities: { source: 'openai-adapter-family-rules', asOf: '2025-01-02T00:00:00.000Z' } } });
  });
});

describe('decodeOpenAiResponse edges', () => {
  it('is BAD_RESPONSE for a body that is no chat completion', () => {
    for (const body of [null, 'text', {}, { choices: [] }, { choices: [{ message: 'x' }] }]) {
      expect(() => decodeOpenAiResponse(body, MODEL)).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
    }
    expect(() => decodeOpenAiResponse(completion({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f' } }] }), MODEL)).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
  });

  it('keeps arguments that are JSON but not an object as rawArguments, drops a custom tool call with a warning, maps an unknown finish reason to other', () => {
    const response = decodeOpenAiResponse(
      completion({ tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '[1,2]' } }, { id: 'c2', type: 'custom', custom: { name: 'g', input: 'x' } }] }, 'paused'),
      MODEL,
    );
    expect(response.output.content).toEqual([{ type: 'tool-call', id: 'c1', name: 'f', arguments: {}, rawArguments: '[1,2]' }]);
    expect(response.warnings.map((warning) => warning.code)).toEqual(['invalid_tool_arguments', 'output_dropped']);
    expect(response.finishReason).toEqual({ unified: 'other', raw: 'paused' });
  });

  it('reads usage with nulls where a detail is absent (never a made-up 0)', () => {
    expect(decodeOpenAiUsage({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 })).toEqual({
      inputTokens: 10,
      outputTokens: 2,
      cachedInputTokens: null,
      reasoningTokens: null,
      totalTokens: 12,
      raw: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    });
  });
});

describe('decodeOpenAiError edges', () => {
  it('reads Retry-After as seconds or an HTTP date when retry-after-ms is absent', () => {
    const now = Date.UTC(2025, 0, 1);
    expect(openAiRetryAfterMs(new Headers({ 'retry-after': '3' }), null, now)).toBe(3000);
    expect(openAiRetryAfterMs(new Headers({ 'retry-after': new Date(now + 5000).toUTCString() }), null, now)).toBe(5000);
    expect(openAiRetryAfterMs(new Headers(), 'Please try again in 120ms.', now)).toBe(120);
    expect(openAiRetryAfterMs(new Headers(), 'no hint', now)).toBeUndefined();
  });

  it('maps 408 and 504 to TIMEOUT and 409 to SERVER (all retryable), 422 to INVALID_REQUEST', () => {
    expect(decodeOpenAiError(408, new Headers(), '').code).toBe('TIMEOUT');
    expect(decodeOpenAiError(504, new Headers(), '').code).toBe('TIMEOUT');
    expect(decodeOpenAiError(409, new Headers(), '').retryable).toBe(true);
    expect(decodeOpenAiError(422, new Headers(), { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } }).code).toBe('INVALID_REQUEST');
  });

  it("maps Azure-style content-management-policy 400s without a code to CONTENT_FILTER", () => {
    const body = { error: { message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", type: null, param: 'prompt', code: null } };
    expect(decodeOpenAiError(400, new Headers(), body).code).toBe('CONTENT_FILTER');
  });
});
