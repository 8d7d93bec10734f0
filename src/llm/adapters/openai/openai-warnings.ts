import type { RuntimeWarning } from '../../core/canonical-types.js';

/** The warning codes the OpenAI adapter emits (docs/llm-adapters/openai.md lists what each means). */
export type OpenAiWarningCode =
  | 'setting_dropped'
  | 'setting_clamped'
  | 'reasoning_mapped'
  | 'role_changed'
  | 'message_part_dropped'
  | 'response_format_downgraded'
  | 'provider_option_dropped'
  | 'refusal'
  | 'invalid_tool_arguments'
  | 'output_dropped';

/** Collects warnings once each (a dropped reasoning part in 30 messages is one warning, with the count). */
export class WarningList {
  private readonly byKey = new Map<string, { warning: RuntimeWarning; count: number }>();

  add(code: OpenAiWarningCode, message: string): void {
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
