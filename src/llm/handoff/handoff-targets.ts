import type { ProviderId } from '../core/canonical-types.js';

/** What a provider wants of a conversation it continues. */
export interface HandoffTarget {
  /** Its tool-call id format (prefix and the pattern of a well-formed id), or null when it takes any id. */
  toolIds: { prefix: string; pattern: RegExp } | null;
  /** True when consecutive messages of one role must be merged (Anthropic's alternating user/assistant turns). */
  alternatingRoles: boolean;
  /**
   * Which reasoning parts it takes back: `drop` none (OpenAI chat completions has no reasoning input),
   * `signed-from-self` only signed ones it produced itself (Anthropic verifies thinking signatures),
   * `from-self` only ones it produced itself (their format is the vendor's own).
   */
  reasoning: 'drop' | 'signed-from-self' | 'from-self';
}

/** OpenAI's ids are `call_…` (at most 40 characters); Anthropic's `toolu_…` (letters, digits, _ and -). */
const TARGETS: Readonly<Record<string, HandoffTarget>> = {
  openai: { toolIds: { prefix: 'call_', pattern: /^call_[A-Za-z0-9_-]{1,35}$/ }, alternatingRoles: false, reasoning: 'drop' },
  anthropic: { toolIds: { prefix: 'toolu_', pattern: /^toolu_[A-Za-z0-9_-]{1,58}$/ }, alternatingRoles: true, reasoning: 'signed-from-self' },
  openrouter: { toolIds: null, alternatingRoles: false, reasoning: 'from-self' },
};

/** Any other provider (mock, or one a caller registers) takes any id and its own reasoning back. */
const DEFAULT_TARGET: HandoffTarget = { toolIds: null, alternatingRoles: false, reasoning: 'from-self' };

export function handoffTarget(provider: ProviderId): HandoffTarget {
  return TARGETS[provider] ?? DEFAULT_TARGET;
}
