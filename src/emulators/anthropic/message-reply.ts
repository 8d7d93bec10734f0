import { createHash } from 'node:crypto';
import { SeededRandom } from '../../chaos/seeded-random.js';
import type { EmulatedModel } from './anthropic-model-catalog.js';
import { blocksOf, type MessagesRequest } from './messages-request.js';
import type { ThinkingSigner } from './thinking-signature.js';
import { estimateInputTokens, tokensOfText } from './token-estimate.js';

const WORDS = [
  'hangar', 'runway', 'cluster', 'signal', 'harbor', 'lantern', 'compass', 'meadow', 'granite', 'river', 'summit', 'orbit',
  'beacon', 'timber', 'canvas', 'quartz', 'ember', 'willow', 'falcon', 'prairie', 'delta', 'vector', 'kernel', 'ledger',
  'tundra', 'cobalt', 'atlas', 'meridian', 'cinder', 'glacier', 'pylon', 'trellis', 'saffron', 'basalt', 'zephyr', 'marble',
];

/** In the last user turn, asks the emulator to refuse (the test hook for `stop_reason: "refusal"`). */
export const REFUSE_MARK = '[[refuse]]';

type ResponseBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface ReplyInput {
  readonly request: MessagesRequest;
  readonly model: EmulatedModel;
  readonly seed: number;
  /** The request's position among all the emulator has answered: only the message id depends on it. */
  readonly sequence: number;
  readonly signer: ThinkingSigner;
}

function sentence(random: SeededRandom, words: number): string {
  const picked: string[] = [];
  for (let index = 0; index < words; index += 1) picked.push(random.pick(WORDS));
  const text = picked.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function excerpt(text: string, length = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length)}…`;
}

/**
 * The message the emulator answers: deterministic from the seed and the prompt (a SHA-256 of the seed,
 * model, system, messages, tools, tool_choice and thinking seeds the word choice). It thinks (a signed thinking block) when thinking is on; it calls a tool when
 * tools are offered and tool_choice allows (`auto` calls one unless the last turn brought tool results,
 * so an agent loop ends); it honours stop sequences and `max_tokens`; it refuses (stop_reason
 * `refusal`) when the last user turn holds `[[refuse]]`; usage is the chars/4 estimate.
 */
export function composeReply(input: ReplyInput): Record<string, unknown> {
  const { request, model, signer } = input;
  // What the model is asked, not how its answer is cut: stop sequences and max_tokens shorten the same answer.
  const prompt = { model: model.id, system: request.system, messages: request.messages, tools: request.tools, tool_choice: request.tool_choice, thinking: request.thinking };
  const digest = createHash('sha256').update(`${input.seed}\n${JSON.stringify(prompt)}`).digest();
  const random = new SeededRandom(digest.readUInt32BE(0));
  const last = request.messages[request.messages.length - 1]!;
  const lastBlocks = blocksOf(last.content);
  const lastText = lastBlocks.map((block) => (block.type === 'text' ? block.text : '')).join(' ');
  const toolResults = lastBlocks.filter((block) => block.type === 'tool_result');
  const tool = last.role === 'user' ? toolToCall(request, toolResults.length > 0, random) : undefined;

  let budget = request.max_tokens;
  const content: ResponseBlock[] = [];
  let stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' = 'end_turn';
  let stopSequence: string | null = null;

  if (lastText.includes(REFUSE_MARK)) {
    // HTTP 200 with stop_reason refusal (vendor-specs/anthropic/SOURCES.md, "Newer behaviour").
    content.push({ type: 'text', text: 'I can’t help with that request.' });
    return message(input, digest, content, 'refusal', null);
  }

  if (request.thinking !== undefined && request.thinking.type !== 'disabled') {
    let thinking = `The request asks: "${excerpt(lastText || 'continue')}". ${sentence(random, 12)}`;
    if (tokensOfText(thinking) >= budget) {
      thinking = thinking.slice(0, budget * 4);
      stopReason = 'max_tokens';
    }
    content.push({ type: 'thinking', thinking, signature: signer.sign(thinking) });
    budget -= tokensOfText(thinking);
  }

  if (stopReason !== 'max_tokens') {
    let text: string;
    if (tool !== undefined) text = request.tool_choice?.type === 'auto' || request.tool_choice === undefined ? `I will call ${tool.name}.` : '';
    else if (toolResults.length > 0) text = `Based on the tool results (${excerpt(resultText(toolResults[0]!.content), 40)}): ${sentence(random, 10)}`;
    else text = `Emulated answer from ${model.id} to "${excerpt(lastText)}". ${sentence(random, random.int(8, 24))}`;

    const cut = stopAt(text, request.stop_sequences);
    if (cut !== null) {
      text = cut.text;
      stopSequence = cut.sequence;
      stopReason = 'stop_sequence';
    }
    const toolUse = tool === undefined || cut !== null ? undefined : toolUseBlock(tool, digest, random);
    const needed = tokensOfText(text) + (toolUse === undefined ? 0 : tokensOfText(toolUse.name) + tokensOfText(JSON.stringify(toolUse.input)));
    if (needed > budget) {
      text = text.slice(0, Math.max(0, budget) * 4);
      stopReason = 'max_tokens';
      stopSequence = null;
      if (text !== '') content.push({ type: 'text', text });
    } else {
      if (text !== '') content.push({ type: 'text', text });
      if (toolUse !== undefined) {
        content.push(toolUse);
        stopReason = 'tool_use';
      }
    }
  }

  return message(input, digest, content, stopReason, stopSequence);
}

function message(input: ReplyInput, digest: Buffer, content: ResponseBlock[], stopReason: string, stopSequence: string | null): Record<string, unknown> {
  const outputTokens = content.reduce((sum, block) => sum + (block.type === 'thinking' ? tokensOfText(block.thinking) : block.type === 'text' ? tokensOfText(block.text) : tokensOfText(block.name) + tokensOfText(JSON.stringify(block.input))), 0);
  const id = createHash('sha256').update(digest).update(String(input.sequence)).digest('hex').slice(0, 24);
  return {
    id: `msg_emu${id}`,
    type: 'message',
    role: 'assistant',
    content,
    model: input.model.id,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    usage: { input_tokens: estimateInputTokens(input.request), output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

type OfferedTool = NonNullable<MessagesRequest['tools']>[number];

function toolToCall(request: MessagesRequest, answered: boolean, random: SeededRandom): OfferedTool | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? { type: 'auto' as const };
  if (tools.length === 0 || choice.type === 'none') return undefined;
  if (choice.type === 'tool') return tools.find((tool) => tool.name === choice.name);
  if (choice.type === 'auto' && answered) return undefined;
  return random.pick(tools);
}

function toolUseBlock(tool: OfferedTool, digest: Buffer, random: SeededRandom): Extract<ResponseBlock, { type: 'tool_use' }> {
  const input = sampleObject(tool.input_schema, random, 0);
  return { type: 'tool_use', id: `toolu_emu${createHash('sha256').update(digest).update(tool.name).digest('hex').slice(0, 20)}`, name: tool.name, input };
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part: { type?: string; text?: string }) => (part.type === 'text' ? (part.text ?? '') : '')).join(' ');
  return '';
}

/** The first stop sequence the text reaches: the text before it, and which one it was. */
function stopAt(text: string, sequences: readonly string[] | undefined): { text: string; sequence: string } | null {
  let best: { text: string; sequence: string; at: number } | null = null;
  for (const sequence of sequences ?? []) {
    if (sequence === '') continue;
    const at = text.indexOf(sequence);
    if (at >= 0 && (best === null || at < best.at)) best = { text: text.slice(0, at), sequence, at };
  }
  return best === null ? null : { text: best.text, sequence: best.sequence };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A tool input that fits an object schema: every listed property, by its type (enum, const and the first anyOf honoured). */
function sampleObject(schema: Record<string, unknown>, random: SeededRandom, depth: number): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const names = Object.keys(properties);
  if (names.length === 0) return schema.additionalProperties === false ? {} : { answer: sentence(random, 6) };
  const out: Record<string, unknown> = {};
  for (const name of names.slice(0, 16)) out[name] = sampleValue(properties[name], name, random, depth + 1);
  return out;
}

function sampleValue(schema: unknown, name: string, random: SeededRandom, depth: number): unknown {
  if (!isRecord(schema)) return `${name}-${random.pick(WORDS)}`;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return random.pick(schema.enum);
  const variants = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (variants !== undefined && variants.length > 0) return sampleValue(variants[0], name, random, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  switch (type) {
    case 'integer':
      return random.int(1, 100);
    case 'number':
      return random.int(1, 1000) / 10;
    case 'boolean':
      return random.next() < 0.5;
    case 'null':
      return null;
    case 'array':
      return depth < 4 ? [sampleValue(schema.items, name, random, depth + 1)] : [];
    case 'object':
      return depth < 4 ? sampleObject(schema, random, depth) : {};
    default:
      return `${name}-${random.pick(WORDS)}`;
  }
}
