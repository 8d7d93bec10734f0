import type { ModelCapabilities } from '../../core/canonical-types.js';
import type { OpenAiReasoningEffort } from './openai-wire-types.js';

/**
 * What an OpenAI model family accepts on Chat Completions, so the encoder can drop (and say so)
 * what the vendor would refuse with a 400: reasoning models take `reasoning_effort` but not
 * `temperature`/`top_p`/`stop`; older models take no `reasoning_effort` and no `json_schema`; o1-mini
 * and o1-preview take neither system nor developer messages. A model no rule knows (a new family) is
 * sent everything as asked: the vendor is the judge, and its 400 comes back as INVALID_REQUEST.
 */
export interface OpenAiModelProfile {
  /** The rule that matched (for warnings and tests); `unknown` when none did. */
  readonly family: string;
  readonly known: boolean;
  /** The `reasoning_effort` values the family takes; null when it takes no reasoning setting. */
  readonly reasoningEfforts: readonly OpenAiReasoningEffort[] | null;
  /** `temperature` and `top_p` (and the penalties) are accepted. */
  readonly samplingParams: boolean;
  readonly stopSequences: boolean;
  /** The role the canonical system message is sent as. */
  readonly instructionsRole: 'system' | 'developer' | 'user';
  /** The richest `response_format` the family takes. */
  readonly responseFormat: 'json_schema' | 'json_object' | 'text';
  readonly tools: boolean;
  readonly vision: boolean;
}

const ALL_EFFORTS: readonly OpenAiReasoningEffort[] = ['minimal', 'low', 'medium', 'high'];
const O_SERIES_EFFORTS: readonly OpenAiReasoningEffort[] = ['low', 'medium', 'high'];

const CLASSIC = { reasoningEfforts: null, samplingParams: true, stopSequences: true, instructionsRole: 'system', responseFormat: 'json_schema', tools: true, vision: true } as const;
const REASONING = { samplingParams: false, stopSequences: false, instructionsRole: 'developer', responseFormat: 'json_schema', tools: true, vision: true } as const;

/** First match wins; patterns see the base model of a fine-tune (`ft:gpt-4o-mini-2024-07-18:org::id` → `gpt-4o-mini-2024-07-18`). */
const RULES: readonly (Omit<OpenAiModelProfile, 'known'> & { pattern: RegExp })[] = [
  { family: 'gpt-5-chat', pattern: /^gpt-5(\.\d+)?-chat/, ...CLASSIC },
  { family: 'gpt-5-pro', pattern: /^gpt-5(\.\d+)?-pro/, ...REASONING, reasoningEfforts: ['high'] },
  // gpt-5.1 and later dropped `minimal` (they take `none`, which the canonical efforts do not have).
  { family: 'gpt-5.x', pattern: /^gpt-5\.\d+/, ...REASONING, reasoningEfforts: O_SERIES_EFFORTS },
  { family: 'gpt-5', pattern: /^gpt-5/, ...REASONING, reasoningEfforts: ALL_EFFORTS },
  { family: 'o1-mini', pattern: /^o1-(mini|preview)/, ...REASONING, reasoningEfforts: null, instructionsRole: 'user', responseFormat: 'text', tools: false, vision: false },
  { family: 'o3-mini', pattern: /^o3-mini/, ...REASONING, reasoningEfforts: O_SERIES_EFFORTS, vision: false },
  { family: 'o-series', pattern: /^o\d/, ...REASONING, reasoningEfforts: O_SERIES_EFFORTS },
  { family: 'gpt-4o', pattern: /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5)/, ...CLASSIC },
  { family: 'gpt-4-turbo', pattern: /^gpt-4-(turbo|\d{4}-preview|vision)/, ...CLASSIC, responseFormat: 'json_object' },
  { family: 'gpt-3.5-turbo', pattern: /^gpt-3\.5-turbo/, ...CLASSIC, responseFormat: 'json_object', vision: false },
  { family: 'gpt-4', pattern: /^gpt-4(-\d{4})?$/, ...CLASSIC, responseFormat: 'text', vision: false },
];

const UNKNOWN: OpenAiModelProfile = {
  family: 'unknown',
  known: false,
  reasoningEfforts: ALL_EFFORTS,
  samplingParams: true,
  stopSequences: true,
  instructionsRole: 'system',
  responseFormat: 'json_schema',
  tools: true,
  vision: true,
};

const cache = new Map<string, OpenAiModelProfile>();

/** The profile of a model id (cached: the encoder asks once per call). */
export function openAiModelProfile(model: string): OpenAiModelProfile {
  let profile = cache.get(model);
  if (profile !== undefined) return profile;
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? model) : model;
  const rule = RULES.find((candidate) => candidate.pattern.test(base));
  if (rule === undefined) profile = UNKNOWN;
  else {
    const { pattern: _pattern, ...rest } = rule;
    profile = { ...rest, known: true };
  }
  if (cache.size < 1000) cache.set(model, profile);
  return profile;
}

/** The capabilities a known family has (for discovery); null for a model no rule knows. */
export function openAiFamilyCapabilities(model: string): ModelCapabilities | null {
  const profile = openAiModelProfile(model);
  if (!profile.known) return null;
  return {
    tools: profile.tools,
    vision: profile.vision,
    jsonSchema: profile.responseFormat === 'json_schema',
    reasoning: profile.reasoningEfforts !== null,
  };
}

/** Model ids `/v1/models` lists that are no chat models (embeddings, audio, images, moderation, legacy completions). */
const NOT_CHAT = /^(text-embedding|embedding|whisper|tts|dall-e|gpt-image|sora|omni-moderation|text-moderation|davinci|babbage|computer-use|codex-mini|gpt-4o(-mini)?-(transcribe|tts|realtime|audio|search)|gpt-realtime|gpt-audio)/;

export function isOpenAiChatModel(model: string): boolean {
  return !NOT_CHAT.test(model);
}

/**
 * The nominal thinking budget of each effort, for mapping a budget-only request (Anthropic style)
 * onto the nearest effort; "nearest" is measured on a log scale, as the budgets grow fourfold.
 */
export const EFFORT_NOMINAL_BUDGET: Readonly<Record<OpenAiReasoningEffort, number>> = { minimal: 512, low: 2_048, medium: 8_192, high: 32_768 };

export function nearestEffort(budgetTokens: number, allowed: readonly OpenAiReasoningEffort[]): OpenAiReasoningEffort | undefined {
  let best: OpenAiReasoningEffort | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const effort of allowed) {
    const distance = Math.abs(Math.log2(budgetTokens) - Math.log2(EFFORT_NOMINAL_BUDGET[effort]));
    if (distance < bestDistance) {
      best = effort;
      bestDistance = distance;
    }
  }
  return best;
}

/** The allowed effort closest in rank to the one asked for (`minimal` on an o-series model → `low`). */
export function closestAllowedEffort(effort: OpenAiReasoningEffort, allowed: readonly OpenAiReasoningEffort[]): OpenAiReasoningEffort | undefined {
  return nearestEffort(EFFORT_NOMINAL_BUDGET[effort], allowed);
}
