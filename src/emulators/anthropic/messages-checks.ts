import { type AnthropicErrorAnswer, AnthropicErrors } from './anthropic-error.js';
import type { EmulatedModel } from './anthropic-model-catalog.js';
import { blocksOf, type MessagesRequest } from './messages-request.js';
import type { ThinkingSigner } from './thinking-signature.js';
import { estimateInputTokens } from './token-estimate.js';

const bad = AnthropicErrors.invalidRequest;

/**
 * The rules a well-formed body must still keep, in the API's words (vendor-specs/anthropic/
 * claude-api-error-codes.md and Anthropic's extended-thinking and tool-use notes): limits of the
 * model, thinking's constraints, user/assistant alternation, tool_use / tool_result pairing, thinking
 * signatures, and the context window. The first broken rule is the answer; null when none is.
 */
export function messagesProblem(request: MessagesRequest, model: EmulatedModel, signer: ThinkingSigner): AnthropicErrorAnswer | null {
  if (request.stream === true) return bad('stream: the emulator answers only non-streaming requests');
  if (request.max_tokens > model.maxOutputTokens) {
    return bad(`max_tokens: ${request.max_tokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.id}`);
  }
  return thinkingProblem(request, model) ?? toolsProblem(request) ?? conversationProblem(request, signer) ?? windowProblem(request, model);
}

function thinkingProblem(request: MessagesRequest, model: EmulatedModel): AnthropicErrorAnswer | null {
  const thinking = request.thinking;
  if (thinking === undefined || thinking.type === 'disabled') return null;
  if (!model.thinking) return bad(`thinking: ${model.id} does not support extended thinking`);
  if (thinking.type === 'enabled' && thinking.budget_tokens >= request.max_tokens) return bad('`max_tokens` must be greater than `thinking.budget_tokens`');
  if (request.temperature !== undefined && request.temperature !== 1) return bad('`temperature` may only be set to 1 when thinking is enabled');
  if (request.top_k !== undefined) return bad('`top_k` must be unset when thinking is enabled');
  if (request.top_p !== undefined && request.top_p < 0.95) return bad('`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled');
  if (request.tool_choice?.type === 'any' || request.tool_choice?.type === 'tool') return bad('Thinking may not be enabled when tool_choice forces tool use');
  return null;
}

function toolsProblem(request: MessagesRequest): AnthropicErrorAnswer | null {
  const names = new Set<string>();
  for (const tool of request.tools ?? []) {
    if (names.has(tool.name)) return bad('tools: Tool names must be unique');
    names.add(tool.name);
  }
  const choice = request.tool_choice;
  if (choice === undefined) return null;
  if (names.size === 0 && choice.type !== 'none' && choice.type !== 'auto') return bad('tool_choice: tool_choice may only be specified while providing tools');
  if (choice.type === 'tool' && !names.has(choice.name)) return bad(`tool_choice.name: tool "${choice.name}" is not among the tools`);
  return null;
}

function conversationProblem(request: MessagesRequest, signer: ThinkingSigner): AnthropicErrorAnswer | null {
  let pendingToolUses: string[] = [];
  for (const [index, message] of request.messages.entries()) {
    if (index === 0 && message.role !== 'user') return bad('messages: first message must use the "user" role');
    if (index > 0 && request.messages[index - 1]!.role === message.role) return bad('messages: roles must alternate between "user" and "assistant"');
    const blocks = blocksOf(message.content);
    if (message.role === 'assistant') {
      pendingToolUses = [];
      for (const [position, block] of blocks.entries()) {
        const where = `messages.${index}.content.${position}`;
        if (block.type === 'tool_result' || block.type === 'image') return bad(`${where}: an assistant message cannot hold a ${block.type} block`);
        if (block.type === 'tool_use') pendingToolUses.push(block.id);
        if (block.type === 'thinking' && !signer.verify(block.thinking, block.signature)) return bad(`${where}: Invalid \`signature\` in \`thinking\` block`);
      }
      continue;
    }
    const answered = new Set<string>();
    let otherContentSeen = false;
    for (const [position, block] of blocks.entries()) {
      const where = `messages.${index}.content.${position}`;
      if (block.type === 'tool_use' || block.type === 'thinking' || block.type === 'redacted_thinking') return bad(`${where}: a user message cannot hold a ${block.type} block`);
      if (block.type !== 'tool_result') {
        otherContentSeen = true;
        continue;
      }
      if (otherContentSeen) return bad(`${where}: \`tool_result\` blocks must come before any other content in a user message`);
      if (!pendingToolUses.includes(block.tool_use_id)) {
        return bad(`${where}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      }
      answered.add(block.tool_use_id);
    }
    const unanswered = pendingToolUses.filter((id) => !answered.has(id));
    if (unanswered.length > 0) {
      return bad(`messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
    }
    pendingToolUses = [];
  }
  return null;
}

function windowProblem(request: MessagesRequest, model: EmulatedModel): AnthropicErrorAnswer | null {
  const tokens = estimateInputTokens(request);
  return tokens > model.contextWindow ? AnthropicErrors.promptTooLong(tokens, model.contextWindow) : null;
}
