import type { ContentPart, Message } from '../../core/canonical-types.js';
import { ProviderError } from '../../core/runtime-errors.js';
import {
  ANTHROPIC_IMAGE_MEDIA_TYPES,
  type AnthropicAssistantBlock,
  type AnthropicImageBlock,
  type AnthropicMessageParam,
  type AnthropicUserBlock,
} from './anthropic-wire-types.js';
import type { AnthropicWarnings } from './anthropic-warnings.js';

/** The Messages API's pattern for `tool_use.id` and `tool_result.tool_use_id`. */
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;
const DATA_URL = /^data:([^;,]+)?((?:;[^;,]+)*?);base64,/;

export interface EncodedConversation {
  system: string | undefined;
  messages: AnthropicMessageParam[];
}

function invalid(message: string): ProviderError {
  return new ProviderError({ code: 'INVALID_REQUEST', provider: 'anthropic', message: `anthropic: ${message}` });
}

/**
 * The canonical conversation as the Messages API takes it: system messages lifted to the top-level
 * `system` (joined; a warning when one stood after the conversation had begun), tool messages as
 * user turns of `tool_result` blocks, consecutive same-role turns merged (the API wants user and
 * assistant to alternate), `tool_result` blocks first in their turn (the API's order), signed
 * reasoning as thinking blocks and unsigned reasoning dropped (the API refuses thinking it cannot verify).
 */
export function encodeConversation(messages: readonly Message[], warnings: AnthropicWarnings): EncodedConversation {
  const systemTexts: string[] = [];
  let systemMoved = false;
  let conversationStarted = false;
  const out: AnthropicMessageParam[] = [];
  /** Indexes of user turns where a tool_result followed another block. */
  let misordered: Set<number> | undefined;
  const ids = new ToolIdRewriter(warnings);

  for (let index = 0; index < messages.length; index += 1) {
    const message = messages[index]!;
    if (message.role === 'system') {
      if (conversationStarted) systemMoved = true;
      const text = joinText(message.content);
      if (text !== '') systemTexts.push(text);
      continue;
    }
    conversationStarted = true;
    if (message.role === 'assistant') {
      const blocks = assistantBlocks(message.content, ids, warnings);
      if (blocks.length === 0) {
        warnings.add('message_part_dropped', 'an assistant message with nothing the Messages API takes was left out');
        continue;
      }
      const last = out[out.length - 1];
      if (last?.role === 'assistant') last.content.push(...blocks);
      else out.push({ role: 'assistant', content: blocks });
      continue;
    }
    const blocks = userBlocks(message.content, ids);
    if (blocks.length === 0) {
      warnings.add('message_part_dropped', `a ${message.role} message with only empty text was left out`);
      continue;
    }
    let last = out[out.length - 1];
    if (last?.role !== 'user') {
      last = { role: 'user', content: [] };
      out.push(last);
    }
    for (const block of blocks) {
      if (block.type === 'tool_result' && last.content.length > 0 && last.content[last.content.length - 1]!.type !== 'tool_result') {
        (misordered ??= new Set()).add(out.length - 1);
      }
      last.content.push(block);
    }
  }

  if (misordered !== undefined) {
    for (const turn of misordered) {
      const content = out[turn]!.content as AnthropicUserBlock[];
      out[turn] = { role: 'user', content: [...content.filter((block) => block.type === 'tool_result'), ...content.filter((block) => block.type !== 'tool_result')] };
    }
    warnings.add('messages_reordered', 'tool results were moved ahead of the other content of their user turn, as the Messages API requires');
  }
  if (systemMoved) warnings.add('system_moved', 'system messages after the start of the conversation were joined into the top-level system prompt');
  if (out.length === 0) throw invalid('the request has no user or assistant message (system messages alone are not a conversation)');
  if (out[0]!.role !== 'user') throw invalid('the conversation must begin with a user message (the Messages API refuses an assistant turn first)');
  return { system: systemTexts.length === 0 ? undefined : systemTexts.join('\n\n'), messages: out };
}

function joinText(parts: readonly ContentPart[]): string {
  const first = parts[0];
  if (parts.length === 1 && first !== undefined) return first.type === 'text' ? first.text : '';
  let text = '';
  for (const part of parts) {
    if (part.type !== 'text' || part.text === '') continue;
    text = text === '' ? part.text : `${text}\n${part.text}`;
  }
  return text;
}

function userBlocks(parts: readonly ContentPart[], ids: ToolIdRewriter): AnthropicUserBlock[] {
  const blocks: AnthropicUserBlock[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        // RequestTextBlock.text has minLength 1.
        if (part.text !== '') blocks.push({ type: 'text', text: part.text });
        break;
      case 'image':
        blocks.push(imageBlock(part.url, part.mediaType));
        break;
      case 'tool-result': {
        const block: AnthropicUserBlock = { type: 'tool_result', tool_use_id: ids.wire(part.toolCallId), content: part.content };
        if (part.isError !== undefined) block.is_error = part.isError;
        blocks.push(block);
        break;
      }
      default:
        // The canonical schema keeps reasoning and tool calls out of user and tool messages.
        throw invalid(`a user or tool message cannot hold a ${part.type} part`);
    }
  }
  return blocks;
}

function assistantBlocks(parts: readonly ContentPart[], ids: ToolIdRewriter, warnings: AnthropicWarnings): AnthropicAssistantBlock[] {
  const blocks: AnthropicAssistantBlock[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        if (part.text !== '') blocks.push({ type: 'text', text: part.text });
        break;
      case 'tool-call':
        blocks.push({ type: 'tool_use', id: ids.wire(part.id), name: part.name, input: part.arguments });
        break;
      case 'reasoning':
        if (part.signature === undefined || part.signature === '') {
          warnings.add('message_part_dropped', 'reasoning without a signature was left out (the Messages API takes back only the thinking it signed)');
        } else if (part.redacted === true) {
          blocks.push({ type: 'redacted_thinking', data: part.signature });
        } else {
          blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
        }
        break;
      default:
        throw invalid(`an assistant message cannot hold a ${part.type} part`);
    }
  }
  return blocks;
}

/** A `data:` URL becomes a base64 source, an http(s) URL a URL source; anything else the API cannot fetch. */
function imageBlock(url: string, mediaType: string | undefined): AnthropicImageBlock {
  if (url.startsWith('data:')) {
    const match = DATA_URL.exec(url);
    if (match === null) throw invalid('an image data: URL must be base64-encoded (data:<media type>;base64,<data>)');
    const type = (match[1] ?? mediaType ?? '').toLowerCase();
    if (!ANTHROPIC_IMAGE_MEDIA_TYPES.has(type)) throw invalid(`image media type "${type}" is not one the Messages API takes (image/jpeg, image/png, image/gif, image/webp)`);
    return { type: 'image', source: { type: 'base64', media_type: type, data: url.slice(match[0].length) } };
  }
  if (url.startsWith('https://') || url.startsWith('http://')) return { type: 'image', source: { type: 'url', url } };
  throw invalid('an image URL must be https:, http: or a base64 data: URL');
}

/**
 * Tool call ids from another vendor may hold characters the Messages API refuses; such an id is
 * rewritten (the same way for the call and its result) and the rewrite is said once.
 */
class ToolIdRewriter {
  private rewritten: Map<string, string> | undefined;

  constructor(private readonly warnings: AnthropicWarnings) {}

  wire(id: string): string {
    if (TOOL_ID.test(id)) return id;
    this.rewritten ??= new Map();
    let wire = this.rewritten.get(id);
    if (wire === undefined) {
      wire = id.replace(/[^a-zA-Z0-9_-]/g, '_');
      this.rewritten.set(id, wire);
      this.warnings.add('tool_call_id_rewritten', `tool call id "${id}" was sent as "${wire}" (the Messages API takes letters, digits, _ and - only)`);
    }
    return wire;
  }
}
