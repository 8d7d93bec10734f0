import type { ChatRequest } from './chat-request.js';
import type { EmulatedOpenAiModel } from './openai-emulator-options.js';
import { type OpenAiErrorAnswer, OpenAiErrors } from './openai-error.js';
import { promptTokens } from './token-estimate.js';

const isSet = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

const listed = (values: readonly string[]) => {
  const quoted = values.map((value) => `'${value}'`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
};

const unsupportedParameter = (param: string, hint = '') =>
  OpenAiErrors.invalidRequest(`Unsupported parameter: '${param}' is not supported with this model.${hint}`, param, 'unsupported_parameter');

/**
 * What the model itself refuses, in OpenAI's words: reasoning models take no `max_tokens`, `stop`, or
 * non-default `temperature`/`top_p`, and only their own `reasoning_effort` values; other models take
 * no `reasoning_effort`; no model takes more completion tokens than its limit. Null when it passes.
 */
export function modelParameterError(request: ChatRequest, model: EmulatedOpenAiModel): OpenAiErrorAnswer | null {
  if (model.reasoningEfforts !== null) {
    if (isSet(request.max_tokens)) return unsupportedParameter('max_tokens', " Use 'max_completion_tokens' instead.");
    if (isSet(request.stop)) return unsupportedParameter('stop');
    for (const param of ['temperature', 'top_p'] as const) {
      const value = request[param];
      if (isSet(value) && value !== 1) {
        return OpenAiErrors.invalidRequest(`Unsupported value: '${param}' does not support ${value} with this model. Only the default (1) value is supported.`, param, 'unsupported_value');
      }
    }
    const effort = request.reasoning_effort;
    if (isSet(effort) && !model.reasoningEfforts.includes(effort)) {
      return OpenAiErrors.invalidRequest(
        `Unsupported value: 'reasoning_effort' does not support '${effort}' with this model. Supported values are: ${listed(model.reasoningEfforts)}.`,
        'reasoning_effort',
        'unsupported_value',
      );
    }
  } else if (isSet(request.reasoning_effort)) return unsupportedParameter('reasoning_effort');

  const asked = request.max_completion_tokens ?? request.max_tokens;
  if (isSet(asked) && asked > model.maxOutputTokens) {
    const param = isSet(request.max_completion_tokens) ? 'max_completion_tokens' : 'max_tokens';
    return OpenAiErrors.invalidRequest(
      `max_tokens is too large: ${asked}. This model supports at most ${model.maxOutputTokens} completion tokens, whereas you provided ${asked}.`,
      param,
      'invalid_value',
    );
  }
  if (request.stream === true) {
    return OpenAiErrors.invalidRequest("The OpenAI emulator does not stream: send 'stream': false (or leave it out).", 'stream', 'unsupported_value');
  }
  return null;
}

/** OpenAI's 400 `context_length_exceeded` when the prompt, or the prompt and the completion asked for, overflow the window. */
export function contextLengthError(request: ChatRequest, model: EmulatedOpenAiModel): { error: OpenAiErrorAnswer | null; promptTokens: number } {
  const prompt = promptTokens(request);
  if (prompt > model.contextWindow) {
    return {
      promptTokens: prompt,
      error: OpenAiErrors.contextLengthExceeded(`This model's maximum context length is ${model.contextWindow} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`),
    };
  }
  const asked = request.max_completion_tokens ?? request.max_tokens;
  if (isSet(asked) && prompt + asked > model.contextWindow) {
    return {
      promptTokens: prompt,
      error: OpenAiErrors.contextLengthExceeded(
        `This model's maximum context length is ${model.contextWindow} tokens. However, you requested ${prompt + asked} tokens (${prompt} in the messages, ${asked} in the completion). Please reduce the length of the messages or completion.`,
      ),
    };
  }
  return { error: null, promptTokens: prompt };
}
