import type { Hono } from 'hono';
import { type ChatRequest, ChatRequestSchema, functionTools, requestProblem } from './chat-request-schema.js';
import { writeCompletion } from './completion-writer.js';
import { type OpenRouterEmulatorEnv, reply } from './emulator-context.js';
import { AUTO_ROUTER_CHOICES, type EmulatedModel } from './openrouter-catalog.js';
import type { OpenRouterEmulatorState } from './openrouter-emulator-state.js';
import { type OpenRouterErrorAnswer, OpenRouterErrors } from './openrouter-error.js';
import { routeRequest } from './openrouter-routing.js';
import { SeededDraws } from './seeded-draws.js';
import { messageText, perToken, priceUsage, promptTokens } from './usage-accounting.js';

export const CHAT_COMPLETIONS_PATH = '/api/v1/chat/completions';

/** Moderation: text carrying `[flag:<category>]` is flagged under that category by a moderated model. */
const FLAG = /\[flag:([a-z][a-z/-]*)\]/g;

function flagged(request: ChatRequest): { reasons: string[]; input: string } | null {
  for (const message of request.messages) {
    if (message.role !== 'user' && message.role !== 'system' && message.role !== 'developer') continue;
    const { text } = messageText(message);
    const reasons = [...new Set([...text.matchAll(FLAG)].map((match) => match[1] as string))];
    if (reasons.length > 0) return { reasons, input: text };
  }
  return null;
}

/** The request's model ids, first `model` then the `models` fallbacks; an unknown id is a 400, as on OpenRouter. */
function resolveModels(request: ChatRequest, state: OpenRouterEmulatorState): EmulatedModel[] | OpenRouterErrorAnswer {
  const ids = [...new Set([request.model ?? request.models?.[0], ...(request.models ?? [])].filter((id): id is string => id !== undefined))];
  if (ids.length === 0) return OpenRouterErrors.badRequest('No model specified: set `model` (the emulated account has no default model)');
  const models: EmulatedModel[] = [];
  for (const id of ids) {
    let model = state.model(id);
    if (model === undefined) return OpenRouterErrors.invalidModel(id);
    if (model.id === 'openrouter/auto') model = state.model(SeededDraws.of(state.options.seed, 'auto', JSON.stringify(request.messages)).pick(AUTO_ROUTER_CHOICES));
    if (model !== undefined && !models.includes(model)) models.push(model);
  }
  return models;
}

function checks(request: ChatRequest): OpenRouterErrorAnswer | null {
  if (request.stream === true) return OpenRouterErrors.badRequest('Streaming is not emulated: send `stream: false` (or leave it out)');
  const choice = request.tool_choice;
  if (typeof choice === 'object' && !functionTools(request).some((tool) => tool.function.name === choice.function.name)) {
    return OpenRouterErrors.badRequest(`tool_choice names "${choice.function.name}", which is not one of the tools`);
  }
  if (choice !== undefined && choice !== 'none' && functionTools(request).length === 0) return OpenRouterErrors.badRequest('tool_choice is set but no tools are given');
  return null;
}

function freeModelLimited(c: Parameters<typeof reply>[0], state: OpenRouterEmulatorState, model: EmulatedModel): Response | null {
  if (!model.id.endsWith(':free')) return null;
  const verdict = state.takeFreeRequest(c.get('apiKey'));
  if (verdict.allowed) return null;
  const waitSeconds = Math.max(1, Math.ceil((verdict.resetAtMs - state.now()) / 1000));
  const headers = { 'X-RateLimit-Limit': String(verdict.limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(verdict.resetAtMs) };
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return reply(c, OpenRouterErrors.rateLimited(waitSeconds, 'Rate limit exceeded: free-models-per-min. ', { headers, provider_name: null }));
}

/**
 * `POST /api/v1/chat/completions`, non-streaming: validation, the free-model limit, credits,
 * routing over the upstream providers, moderation, the context window, then a seeded answer with
 * usage (and its cost) charged to the account.
 */
export function mountChatCompletionsRoute(app: Hono<OpenRouterEmulatorEnv>, state: OpenRouterEmulatorState): void {
  app.post(CHAT_COMPLETIONS_PATH, (c) => {
    const body = c.get('body');
    if (typeof body !== 'object' || body === null) return reply(c, OpenRouterErrors.badRequest('Invalid JSON body'));
    const parsed = ChatRequestSchema.safeParse(body);
    if (!parsed.success) return reply(c, OpenRouterErrors.badRequest(requestProblem(parsed.error)));
    const request = parsed.data;
    const refused = checks(request);
    if (refused !== null) return reply(c, refused);
    const models = resolveModels(request, state);
    if (!Array.isArray(models)) return reply(c, models);
    const [first] = models as [EmulatedModel];
    const limited = freeModelLimited(c, state, first);
    if (limited !== null) return limited;
    if (perToken(first.entry.pricing.prompt) > 0 && state.creditsUsd !== null && state.creditsUsd <= 0) return reply(c, OpenRouterErrors.insufficientCredits());

    const route = routeRequest(models, request, (provider) => state.upstreamStatus(provider));
    if (route.kind === 'failed') return reply(c, route.answer);
    const { model, endpoint } = route;
    const flags = model.entry.top_provider.is_moderated ? flagged(request) : null;
    if (flags !== null) return reply(c, OpenRouterErrors.moderation(model.id, endpoint.name, flags.reasons, flags.input));
    const prompt = promptTokens(request);
    const output = request.max_completion_tokens ?? request.max_tokens ?? 0;
    if (model.entry.context_length !== null && prompt + output > model.entry.context_length) return reply(c, OpenRouterErrors.contextLength(model.entry.context_length, prompt, output));

    const written = writeCompletion(request, model, state.options.seed);
    const cached = state.cachedPromptTokens(model, request);
    const priced = priceUsage(model, { prompt, cached, completion: written.completionTokens, reasoning: written.reasoningTokens });
    state.charge(priced.cost);
    const withCost = state.options.usageAccounting === 'always' || request.usage?.include === true;
    return c.json({
      id: state.nextGenerationId(),
      provider: endpoint.name,
      model: model.id,
      object: 'chat.completion',
      created: Math.floor(state.now() / 1000),
      choices: [{ logprobs: null, finish_reason: written.finishReason, native_finish_reason: written.nativeFinishReason, index: 0, message: written.message }],
      system_fingerprint: null,
      usage: {
        prompt_tokens: prompt,
        completion_tokens: written.completionTokens,
        total_tokens: prompt + written.completionTokens,
        ...(withCost && {
          cost: priced.cost,
          is_byok: false,
          cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: priced.promptCost, upstream_inference_completions_cost: priced.completionCost },
        }),
        prompt_tokens_details: { cached_tokens: cached },
        completion_tokens_details: { reasoning_tokens: written.reasoningTokens },
      },
    });
  });
}
