import { WarningCollector } from '../../core/warning-collector.js';

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

/** Collects the adapter's warnings once each, with their counts. */
export class WarningList extends WarningCollector<OpenAiWarningCode> {}
