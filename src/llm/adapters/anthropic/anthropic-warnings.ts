import type { RuntimeWarning } from '../../core/canonical-types.js';

/**
 * The warning codes the Anthropic adapter emits (docs/llm-adapters/anthropic.md says what each
 * means). Where a meaning is the same as the OpenAI adapter's, the code is the same word.
 */
export type AnthropicWarningCode =
  | 'max_tokens_defaulted'
  | 'setting_clamped'
  | 'setting_dropped'
  | 'reasoning_mapped'
  | 'reasoning_dropped'
  | 'message_part_dropped'
  | 'system_moved'
  | 'messages_reordered'
  | 'tool_call_id_rewritten'
  | 'tool_schema_completed'
  | 'tool_choice_relaxed'
  | 'response_format_emulated'
  | 'provider_option_dropped'
  | 'output_dropped'
  | 'json_response_missing';

/** Collects warnings once each (unsigned reasoning in 30 messages is one warning, with the count). */
export class AnthropicWarnings {
  private readonly byKey = new Map<string, { warning: RuntimeWarning; count: number }>();

  add(code: AnthropicWarningCode, message: string): void {
    const key = `${code}\u0000${message}`;
    const seen = this.byKey.get(key);
    if (seen !== undefined) seen.count += 1;
    else this.byKey.set(key, { warning: { code, message }, count: 1 });
  }

  list(): RuntimeWarning[] {
    const out: RuntimeWarning[] = [];
    for (const { warning, count } of this.byKey.values()) out.push(count === 1 ? warning : { code: warning.code, message: `${warning.message} (${count} times)` });
    return out;
  }
}
