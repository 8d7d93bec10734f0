import type { ContentPart, Message, ModelInfo, ProviderId, RuntimeWarning, TextPart, ToolCall, ToolResult } from '../core/canonical-types.js';
import { type HandoffTarget, handoffTarget } from './handoff-targets.js';
import { ToolCallIdAllocator } from './tool-call-ids.js';

export interface HandoffOptions {
  /** The model that continues the conversation: its capabilities decide what is kept (images need vision). */
  targetModel?: ModelInfo;
}

export interface HandoffResult {
  messages: Message[];
  warnings: RuntimeWarning[];
}

/** Counted changes, reported once per kind (in this order) so warnings stay short and deterministic. */
const WARNING_ORDER = ['handoff_system_moved', 'handoff_reasoning_dropped', 'handoff_image_replaced', 'handoff_tool_result_missing', 'handoff_tool_result_orphaned'] as const;
type WarningCode = (typeof WARNING_ORDER)[number];

interface PendingCall {
  call: ToolCall;
  id: string;
  answered: boolean;
}

function keepReasoning(target: HandoffTarget, from: ProviderId, to: ProviderId, part: Extract<ContentPart, { type: 'reasoning' }>): boolean {
  switch (target.reasoning) {
    case 'drop':
      return false;
    case 'signed-from-self':
      return from === to && part.signature !== undefined && part.signature.length > 0;
    case 'from-self':
      return from === to;
  }
}

function imageOmittedNote(part: Extract<ContentPart, { type: 'image' }>, model: ModelInfo): TextPart {
  // A data: URL is named by its media type, never copied into the text.
  const inline = /^data:([^;,]*)/.exec(part.url);
  const what = inline === null ? part.url : part.mediaType || inline[1] || 'inline image';
  return { type: 'text', text: `[image omitted (${what}): ${model.provider}/${model.model} does not accept images]` };
}

function orphanText(result: ToolResult): TextPart {
  const tool = result.toolName ?? 'an unknown tool';
  return { type: 'text', text: `[tool result without its call (${tool}, id ${result.toolCallId}${result.isError === true ? ', an error' : ''})]\n${result.content}` };
}

function missingResult(pending: PendingCall): ToolResult {
  return {
    type: 'tool-result',
    toolCallId: pending.id,
    toolName: pending.call.name,
    content: `No result was recorded for this call of ${pending.call.name}: the conversation was handed off without it.`,
    isError: true,
  };
}

/**
 * Converts a conversation so another provider can continue it. Pure and deterministic, and
 * idempotent (normalizing the result again changes nothing). The rules (docs/llm-runtime.md,
 * "Handoff"), in order:
 *
 * 1. System: every system message's text, in order, becomes one system message, first; a system
 *    message found after the conversation started is moved there with a warning.
 * 2. Reasoning parts: kept only where the target takes them (Anthropic: signed, and from Anthropic;
 *    OpenAI: never; others: their own), else dropped with a warning; an assistant message left empty
 *    is removed.
 * 3. Images: with a `targetModel` that lacks vision, replaced by a text note saying it was omitted, with a warning.
 * 4. Tool calls and results re-paired: a turn's results are the tool messages right after the
 *    assistant message with the calls. A result whose call is not pending (unknown id, answered
 *    already, or after the turn ended) becomes user text after the turn, with a warning; a call left
 *    without a result gets a synthetic error result, with a warning. Results take the tool name of
 *    their call when they lack one.
 * 5. Tool-call ids rewritten to the target's format (Anthropic `toolu_…`, OpenAI `call_…`) and made
 *    unique, the call and its result together (tool-call-ids.ts).
 * 6. Alternating roles (Anthropic): consecutive messages of one role merged into one.
 *
 * The input must be valid canonical messages (MessageSchema); it is not changed.
 */
export function normalizeHandoffMessages(messages: readonly Message[], from: ProviderId, to: ProviderId, options: HandoffOptions = {}): HandoffResult {
  const target = handoffTarget(to);
  const counts = new Map<WarningCode, number>();
  const count = (code: WarningCode, by = 1) => counts.set(code, (counts.get(code) ?? 0) + by);
  const visionless = options.targetModel !== undefined && !options.targetModel.capabilities.vision ? options.targetModel : undefined;

  // 1 to 3: the system prompt gathered; reasoning and images per target.
  const systemParts: ContentPart[] = [];
  const rest: Message[] = [];
  let started = false;
  for (const message of messages) {
    if (message.role === 'system') {
      if (started) count('handoff_system_moved');
      systemParts.push(...message.content);
      continue;
    }
    started = true;
    let content = message.content;
    if (message.role === 'assistant' && content.some((part) => part.type === 'reasoning')) {
      content = content.filter((part) => part.type !== 'reasoning' || keepReasoning(target, from, to, part));
      count('handoff_reasoning_dropped', message.content.length - content.length);
    }
    if (visionless !== undefined && message.role === 'user' && content.some((part) => part.type === 'image')) {
      content = content.map((part) => {
        if (part.type !== 'image') return part;
        count('handoff_image_replaced');
        return imageOmittedNote(part, visionless);
      });
    }
    if (content.length > 0) rest.push(content === message.content ? message : { role: message.role, content });
  }

  // 4 and 5: pairing and ids.
  const ids = new ToolCallIdAllocator(target);
  const paired: Message[] = systemParts.length > 0 ? [{ role: 'system', content: systemParts }] : [];
  let pending: PendingCall[] = [];
  let orphans: TextPart[] = [];
  const closeTurn = () => {
    const unanswered = pending.filter((entry) => !entry.answered);
    if (unanswered.length > 0) {
      paired.push({ role: 'tool', content: unanswered.map(missingResult) });
      count('handoff_tool_result_missing', unanswered.length);
    }
    if (orphans.length > 0) {
      paired.push({ role: 'user', content: orphans });
      count('handoff_tool_result_orphaned', orphans.length);
    }
    pending = [];
    orphans = [];
  };
  for (const message of rest) {
    if (message.role === 'tool') {
      const kept: ToolResult[] = [];
      for (const part of message.content) {
        if (part.type !== 'tool-result') continue;
        const entry = pending.find((candidate) => !candidate.answered && candidate.call.id === part.toolCallId);
        if (entry === undefined) {
          orphans.push(orphanText(part));
          continue;
        }
        entry.answered = true;
        kept.push({ ...part, toolCallId: entry.id, toolName: part.toolName ?? entry.call.name });
      }
      if (kept.length > 0) paired.push({ role: 'tool', content: kept });
      continue;
    }
    closeTurn();
    if (message.role === 'assistant' && message.content.some((part) => part.type === 'tool-call')) {
      const content = message.content.map((part) => {
        if (part.type !== 'tool-call') return part;
        const id = ids.allocate(part.id);
        pending.push({ call: part, id, answered: false });
        return id === part.id ? part : { ...part, id };
      });
      paired.push({ role: 'assistant', content });
    } else {
      paired.push(message);
    }
  }
  closeTurn();

  // 6: alternating roles.
  const normalized = target.alternatingRoles ? mergeSameRole(paired) : paired;
  const warnings: RuntimeWarning[] = [];
  for (const code of WARNING_ORDER) {
    const n = counts.get(code) ?? 0;
    if (n > 0) warnings.push({ code, message: warningMessage(code, n, from, to, options.targetModel) });
  }
  return { messages: normalized, warnings };
}

function mergeSameRole(messages: readonly Message[]): Message[] {
  const merged: Message[] = [];
  for (const message of messages) {
    const last = merged.at(-1);
    if (last !== undefined && last.role === message.role) merged[merged.length - 1] = { role: last.role, content: [...last.content, ...message.content] };
    else merged.push(message);
  }
  return merged;
}

function warningMessage(code: WarningCode, n: number, from: ProviderId, to: ProviderId, model: ModelInfo | undefined): string {
  const parts = (noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  switch (code) {
    case 'handoff_system_moved':
      return `${parts('system message')} found mid-conversation moved into the one system message at the start (${to} takes the system prompt first)`;
    case 'handoff_reasoning_dropped':
      return to === 'anthropic'
        ? `${parts('reasoning part')} dropped: Anthropic takes back only signed thinking it produced itself (from ${from})`
        : `${parts('reasoning part')} dropped: ${to} does not take reasoning from ${from} back`;
    case 'handoff_image_replaced':
      return `${parts('image')} replaced by a note that it was omitted: ${model?.provider}/${model?.model} does not accept images`;
    case 'handoff_tool_result_missing':
      return `${parts('tool call')} without a result given a synthetic error result, so ${to} sees every call answered`;
    case 'handoff_tool_result_orphaned':
      return `${parts('tool result')} without a pending call turned into user text`;
  }
}
