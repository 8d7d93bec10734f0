import { WarningCollector } from '../../core/warning-collector.js';

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

/** Collects the adapter's warnings once each, with their counts. */
export class AnthropicWarnings extends WarningCollector<AnthropicWarningCode> {}
