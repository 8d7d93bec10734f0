import { z } from 'zod';

/**
 * The `POST /v1/messages` body the emulator accepts: the hosted OpenAPI's `CreateMessageParams`
 * (additionalProperties false throughout, so an unknown field is a 400 as on the real API) plus what
 * vendor-specs/anthropic/SOURCES.md records as newer: `thinking`, thinking blocks in assistant turns,
 * `tool_choice: none`, URL image sources.
 */
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const cacheControl = z.object({ type: z.literal('ephemeral') }).strict().optional();

const TextBlock = z.object({ type: z.literal('text'), text: z.string().min(1), cache_control: cacheControl }).strict();
const ImageBlock = z
  .object({
    type: z.literal('image'),
    source: z.discriminatedUnion('type', [
      z.object({ type: z.literal('base64'), media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']), data: z.string().min(1) }).strict(),
      z.object({ type: z.literal('url'), url: z.string().regex(/^https?:\/\//, 'must be an http(s) URL') }).strict(),
    ]),
    cache_control: cacheControl,
  })
  .strict();
const ToolUseBlock = z.object({ type: z.literal('tool_use'), id: z.string().regex(TOOL_ID), name: z.string().regex(TOOL_NAME), input: z.record(z.string(), z.unknown()), cache_control: cacheControl }).strict();
const ToolResultBlock = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string().regex(TOOL_ID),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlock, ImageBlock]))]).optional(),
    is_error: z.boolean().optional(),
    cache_control: cacheControl,
  })
  .strict();
const ThinkingBlock = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().min(1) }).strict();
const RedactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string().min(1) }).strict();

const Block = z.discriminatedUnion('type', [TextBlock, ImageBlock, ToolUseBlock, ToolResultBlock, ThinkingBlock, RedactedThinkingBlock]);
export type RequestBlock = z.infer<typeof Block>;

const InputMessage = z.object({ role: z.enum(['user', 'assistant']), content: z.union([z.string().min(1), z.array(Block).min(1)]) }).strict();

const Tool = z
  .object({
    name: z.string().regex(TOOL_NAME),
    description: z.string().optional(),
    input_schema: z.looseObject({ type: z.literal('object'), properties: z.record(z.string(), z.unknown()).nullable().optional() }),
    cache_control: cacheControl,
  })
  .strict();

const parallel = { disable_parallel_tool_use: z.boolean().optional() };
const ToolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), ...parallel }).strict(),
  z.object({ type: z.literal('any'), ...parallel }).strict(),
  z.object({ type: z.literal('tool'), name: z.string(), ...parallel }).strict(),
  z.object({ type: z.literal('none') }).strict(),
]);

const Thinking = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1024) }).strict(),
  z.object({ type: z.literal('disabled') }).strict(),
  z.object({ type: z.literal('adaptive') }).strict(),
]);

export const MessagesRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(InputMessage).min(1),
    max_tokens: z.number().int().min(1),
    metadata: z.object({ user_id: z.string().max(256).nullable().optional() }).strict().optional(),
    stop_sequences: z.array(z.string()).optional(),
    stream: z.boolean().optional(),
    system: z.union([z.string(), z.array(TextBlock)]).optional(),
    temperature: z.number().min(0).max(1).optional(),
    tool_choice: ToolChoice.optional(),
    tools: z.array(Tool).optional(),
    top_k: z.number().int().min(0).optional(),
    top_p: z.number().min(0).max(1).optional(),
    thinking: Thinking.optional(),
  })
  .strict();
export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

/** A message's content as blocks (a string is one text block). */
export function blocksOf(content: MessagesRequest['messages'][number]['content']): RequestBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** The API's wording for a schema problem: `<dotted path>: <what>` (e.g. `messages.0.content: Field required`). */
export function schemaProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'Invalid request';
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return `${issue.keys.map((key) => (path === '' ? key : `${path}.${key}`)).join(', ')}: Extra inputs are not permitted`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${path}: Field required`;
  return `${path === '' ? '(body)' : path}: ${issue.message}`;
}
