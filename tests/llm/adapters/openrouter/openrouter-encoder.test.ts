import { describe, expect, it } from 'vitest';
import { encodeOpenRouterRequest } from '../../../../src/llm/adapters/openrouter/index.js';
import { ProviderError, type ProviderRequest, ProviderRequestSchema } from '../../../../src/llm/core/index.js';
import { chatRequestErrors } from '../../../emulators/openrouter/openrouter-spec.js';

const request = (fields: Partial<ProviderRequest> = {}): ProviderRequest =>
  ProviderRequestSchema.parse({ model: { provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5' }, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], ...fields });
const withOptions = (openrouter: Record<string, unknown>) => request({ providerOptions: { openrouter } });

function refusal(openrouter: Record<string, unknown>): ProviderError {
  try {
    encodeOpenRouterRequest(withOptions(openrouter));
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected the options to be refused');
}

describe('encodeOpenRouterRequest', () => {
  it('writes the smallest request: the model id, the messages and the usage opt-in', () => {
    const encoded = encodeOpenRouterRequest(request());
    expect(encoded).toEqual({ body: { model: 'anthropic/claude-sonnet-4.5', messages: [{ role: 'user', content: 'Hi' }], usage: { include: true } }, headers: {}, warnings: [] });
    expect(chatRequestErrors(encoded.body)).toEqual([]);
  });

  it('refuses a provider preference of the wrong type, naming the option, before anything is sent', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ provider: { order: 'Anthropic' } }, 'providerOptions.openrouter.provider.order'],
      [{ provider: { allow_fallbacks: 'no' } }, 'provider.allow_fallbacks'],
      [{ provider: { data_collection: 'sometimes' } }, 'provider.data_collection'],
      [{ provider: { max_price: { prompt: -1 } } }, 'provider.max_price.prompt'],
      [{ provider: { sort: 'cheapest' } }, 'provider.sort'],
      [{ provider: { quantizations: ['int3'] } }, 'provider.quantizations'],
      [{ provider: 'Anthropic' }, 'providerOptions.openrouter.provider'],
      [{ models: [] }, 'providerOptions.openrouter.models'],
      [{ xTitle: 'Hangar\r\nX-Injected: 1' }, 'providerOptions.openrouter.xTitle'],
      [{ httpReferer: '' }, 'providerOptions.openrouter.httpReferer'],
    ];
    for (const [options, path] of cases) {
      const error = refusal(options);
      expect(error.code, JSON.stringify(options)).toBe('INVALID_REQUEST');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(path);
    }
  });

  it('keeps every documented provider preference, in the document\'s key order whatever the caller\'s', () => {
    const provider = {
      zdr: false,
      sort: { by: 'throughput', partition: 'none' },
      preferred_min_throughput: { p50: 50 },
      preferred_max_latency: 2,
      order: ['Anthropic'],
      only: ['Anthropic', 'Google'],
      ignore: ['Azure'],
      enforce_distillable_text: null,
      data_collection: 'allow',
      allow_fallbacks: true,
      require_parameters: false,
      quantizations: ['fp8', 'bf16'],
      max_price: { request: '0.01' },
    };
    const encoded = encodeOpenRouterRequest(withOptions({ provider }));
    expect(Object.keys(encoded.body.provider ?? {})).toEqual([
      'allow_fallbacks',
      'data_collection',
      'enforce_distillable_text',
      'ignore',
      'max_price',
      'only',
      'order',
      'preferred_max_latency',
      'preferred_min_throughput',
      'quantizations',
      'require_parameters',
      'sort',
      'zdr',
    ]);
    expect(encoded.body.provider).toEqual(provider);
    expect(encoded.warnings).toEqual([]);
    expect(chatRequestErrors(encoded.body)).toEqual([]);
  });

  it('translates the older `transforms` into the context-compression plugin, and warns for what has no equivalent', () => {
    const on = encodeOpenRouterRequest(withOptions({ transforms: ['middle-out'] }));
    expect(on.body.plugins).toEqual([{ id: 'context-compression', engine: 'middle-out' }]);
    const off = encodeOpenRouterRequest(withOptions({ transforms: [] }));
    expect(off.body.plugins).toEqual([{ id: 'context-compression', enabled: false }]);
    const odd = encodeOpenRouterRequest(withOptions({ transforms: ['fold-left'] }));
    expect(odd.warnings.map((warning) => warning.code)).toEqual(['openrouter_option_dropped', 'openrouter_transforms_translated']);
    for (const encoded of [on, off, odd]) expect(chatRequestErrors(encoded.body)).toEqual([]);
  });

  it('drops options it does not know with a warning, and ignores other providers\' options', () => {
    const encoded = encodeOpenRouterRequest(request({ providerOptions: { openrouter: { route: 'fallback', usage: { include: false }, colour: 'blue' }, anthropic: { thinking: true } } }));
    expect(encoded.warnings.map((warning) => warning.message)).toEqual([
      'providerOptions.openrouter.colour: not an option the OpenRouter adapter knows; dropped',
      "providerOptions.openrouter.route: `route` is deprecated in OpenRouter's API document (use `provider.sort.partition`); dropped",
      'providerOptions.openrouter.usage: the adapter always asks for usage accounting itself; dropped',
    ]);
    expect(encoded.body).toEqual({ model: 'anthropic/claude-sonnet-4.5', messages: [{ role: 'user', content: 'Hi' }], usage: { include: true } });
  });

  it('sends a reasoning budget as reasoning.max_tokens, and an assistant turn with only tool calls as content null', () => {
    const encoded = encodeOpenRouterRequest(
      request({
        reasoning: { budgetTokens: 1024 },
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Go' }] },
          { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'run', arguments: { n: 1 } }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: 'done' }] },
        ],
        tools: [{ name: 'run', parameters: { type: 'object' } }],
      }),
    );
    expect(encoded.body.reasoning).toEqual({ max_tokens: 1024 });
    expect(encoded.body.messages[1]).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'run', arguments: '{"n":1}' } }] });
    expect(encoded.warnings).toEqual([]);
    expect(chatRequestErrors(encoded.body)).toEqual([]);
  });

  it('is pure: the request it was given is untouched', () => {
    const given = withOptions({ provider: { order: ['Anthropic'] }, models: ['openai/gpt-4o'] });
    const before = structuredClone(given);
    encodeOpenRouterRequest(given);
    expect(given).toEqual(before);
  });
});
