import { type ChatRequest, functionTools, type ProviderPreferences } from './chat-request-schema.js';
import type { EmulatedEndpoint, EmulatedModel } from './openrouter-catalog.js';
import type { UpstreamStatus } from './openrouter-emulator-options.js';
import { type OpenRouterErrorAnswer, OpenRouterErrors } from './openrouter-error.js';
import { perToken } from './usage-accounting.js';

export type RouteResult = { kind: 'served'; model: EmulatedModel; endpoint: EmulatedEndpoint } | { kind: 'failed'; answer: OpenRouterErrorAnswer };

/** Provider names as `order`/`only`/`ignore` may give them: the display name or its slug (`Amazon Bedrock`, `amazon-bedrock`). */
const slug = (name: string): string => name.trim().toLowerCase().replace(/[\s_]+/g, '-');
const named = (names: readonly string[] | null | undefined) => (names === null || names === undefined ? null : new Set(names.map(slug)));

/** The parameters a request uses, in the names of the model list's `supported_parameters`. */
export function usedParameters(request: ChatRequest): string[] {
  const used: string[] = [];
  if (functionTools(request).length > 0) used.push('tools');
  if (request.tool_choice !== undefined) used.push('tool_choice');
  if (request.response_format?.type === 'json_schema') used.push('structured_outputs');
  else if (request.response_format !== undefined && request.response_format.type !== 'text') used.push('response_format');
  if (request.reasoning !== undefined || (request.reasoning_effort !== undefined && request.reasoning_effort !== null)) used.push('reasoning');
  if (request.seed !== undefined && request.seed !== null) used.push('seed');
  if (request.stop !== undefined && request.stop !== null) used.push('stop');
  if (request.temperature !== undefined && request.temperature !== null) used.push('temperature');
  if (request.top_p !== undefined && request.top_p !== null) used.push('top_p');
  if ((request.max_tokens ?? request.max_completion_tokens ?? null) !== null) used.push('max_tokens');
  return used;
}

const supports = (model: EmulatedModel, endpoint: EmulatedEndpoint, parameter: string): boolean =>
  model.entry.supported_parameters.includes(parameter) && !endpoint.unsupported.includes(parameter);

/**
 * The endpoints of one model that may serve the request, in the order they are tried: the
 * preferences' filters (`only`, `ignore`, `data_collection`, `zdr`, `quantizations`,
 * `require_parameters`, `max_price`), then `order` first and, unless `allow_fallbacks` is false,
 * the rest in the model's default order. `sort` and the latency/throughput preferences are
 * accepted and change nothing: every emulated endpoint has the same price and speed.
 */
function candidates(model: EmulatedModel, preferences: ProviderPreferences, request: ChatRequest): EmulatedEndpoint[] | OpenRouterErrorAnswer {
  let endpoints = [...model.endpoints];
  const only = named(preferences.only);
  const ignore = named(preferences.ignore);
  if (only !== null) endpoints = endpoints.filter((candidate) => only.has(slug(candidate.name)));
  if (ignore !== null) endpoints = endpoints.filter((candidate) => !ignore.has(slug(candidate.name)));
  if (endpoints.length === 0) return OpenRouterErrors.noEndpoints(`No allowed providers are available for the selected model (${model.id}).`);
  if (preferences.data_collection === 'deny') {
    endpoints = endpoints.filter((candidate) => !candidate.collectsData);
    if (endpoints.length === 0) return OpenRouterErrors.noEndpoints('No endpoints found matching your data policy (Paid model training). Configure: https://openrouter.ai/settings/privacy');
  }
  if (preferences.zdr === true) endpoints = endpoints.filter((candidate) => candidate.zdr);
  if (preferences.quantizations) {
    const wanted = new Set(preferences.quantizations);
    endpoints = endpoints.filter((candidate) => wanted.has(candidate.quantization));
  }
  if (endpoints.length === 0) return OpenRouterErrors.noEndpoints(`No endpoints found that match your provider preferences for ${model.id}.`);
  if (functionTools(request).length > 0) {
    endpoints = endpoints.filter((candidate) => supports(model, candidate, 'tools'));
    if (endpoints.length === 0) return OpenRouterErrors.noEndpoints('No endpoints found that support tool use.');
  }
  if (preferences.require_parameters === true) {
    const used = usedParameters(request);
    endpoints = endpoints.filter((candidate) => used.every((parameter) => supports(model, candidate, parameter)));
    if (endpoints.length === 0) return OpenRouterErrors.noEndpoints('No endpoints found that can handle the requested parameters.');
  }
  const maxPrice = preferences.max_price;
  if (maxPrice !== undefined) {
    const over = (price: string | undefined, limit: string | undefined) => limit !== undefined && perToken(price) * 1e6 > Number(limit);
    if (over(model.entry.pricing.prompt, maxPrice.prompt) || over(model.entry.pricing.completion, maxPrice.completion)) {
      return OpenRouterErrors.noEndpoints(`No endpoints found for ${model.id} within your max_price.`);
    }
  }
  const ordered: EmulatedEndpoint[] = [];
  for (const name of preferences.order ?? []) {
    const found = endpoints.find((candidate) => slug(candidate.name) === slug(name));
    if (found !== undefined && !ordered.includes(found)) ordered.push(found);
  }
  if (preferences.allow_fallbacks === false) {
    const fixed = preferences.order ? ordered : endpoints.slice(0, 1);
    return fixed.length > 0 ? fixed : OpenRouterErrors.noEndpoints(`No allowed providers are available for the selected model (${model.id}).`);
  }
  return [...ordered, ...endpoints.filter((candidate) => !ordered.includes(candidate))];
}

/**
 * OpenRouter's routing: each model in turn (the `model`, then the `models` fallbacks), each of its
 * candidate endpoints in turn; the first upstream that is up serves. An upstream that is down is
 * skipped; one that fails (502, with its name) or times out (408) passes the request on. When
 * nothing served, the last failure answers; when every candidate was down, 503.
 */
export function routeRequest(models: readonly EmulatedModel[], request: ChatRequest, statusOf: (provider: string) => UpstreamStatus): RouteResult {
  const preferences = request.provider ?? {};
  let failure: OpenRouterErrorAnswer | null = null;
  for (const model of models) {
    const list = candidates(model, preferences, request);
    if (!Array.isArray(list)) {
      failure = list;
      continue;
    }
    let modelFailure: OpenRouterErrorAnswer | null = null;
    for (const endpoint of list) {
      const status = statusOf(endpoint.name);
      if (status === 'up') return { kind: 'served', model, endpoint };
      if (status === 'error') modelFailure = OpenRouterErrors.providerError(endpoint.name, `${endpoint.name}: upstream error (emulated outage)`);
      if (status === 'timeout') modelFailure = OpenRouterErrors.timeout();
    }
    failure = modelFailure ?? OpenRouterErrors.noProvider();
  }
  return { kind: 'failed', answer: failure ?? OpenRouterErrors.noProvider() };
}
