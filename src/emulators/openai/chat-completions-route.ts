import type { Hono } from 'hono';
import { parseChatRequest } from './chat-request.js';
import { replyChoice } from './chat-reply.js';
import { type OpenAiEmulatorEnv, replyError } from './emulator-context.js';
import { contextLengthError, modelParameterError } from './model-parameter-checks.js';
import type { ResolvedOpenAiEmulatorOptions } from './openai-emulator-options.js';
import { OpenAiErrors } from './openai-error.js';
import type { PromptCache } from './prompt-cache.js';
import { seededDigest } from './seeded-digest.js';

/**
 * `POST /v1/chat/completions`: the request checked as OpenAI checks it (chat-request.ts, then what
 * the model refuses, then the context window), answered with a `CreateChatCompletionResponse` whose
 * every choice is deterministic from the seed and the request.
 */
export function mountChatCompletionsRoute(app: Hono<OpenAiEmulatorEnv>, options: ResolvedOpenAiEmulatorOptions, cache: PromptCache): void {
  let sequence = 0;
  app.post('/v1/chat/completions', (c) => {
    const parsed = parseChatRequest(c.get('body'));
    if (!parsed.ok) return replyError(c, parsed.error);
    const request = parsed.request;
    const model = options.models.find((candidate) => candidate.id === request.model);
    if (model === undefined) return replyError(c, OpenAiErrors.modelNotFound(request.model));
    if (model.kind !== 'chat') return replyError(c, OpenAiErrors.notChatModel());
    const refused = modelParameterError(request, model);
    if (refused !== null) return replyError(c, refused);
    const { error, promptTokens } = contextLengthError(request, model);
    if (error !== null) return replyError(c, error);

    sequence += 1;
    const choices = Array.from({ length: request.n ?? 1 }, (_, index) => replyChoice(request, model, options.seed, index));
    const completionTokens = choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
    const reasoningTokens = choices.reduce((sum, choice) => sum + choice.reasoningTokens, 0);
    const id = seededDigest(options.seed, 'completion', sequence, request.messages);
    return c.json({
      id: `chatcmpl-${id.slice(0, 29)}`,
      object: 'chat.completion',
      created: Math.floor(options.now() / 1000),
      model: model.id,
      choices: choices.map((choice) => choice.choice),
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: cache.cachedTokens(request), audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: `fp_${seededDigest(options.seed, model.id).slice(0, 10)}`,
    });
  });
}
