import { blocksOf, type MessagesRequest, type RequestBlock } from './messages-request.js';

/** What an image counts for, whatever its size (the real count depends on its pixels, which the emulator does not decode). */
export const IMAGE_TOKENS = 1500;

/** About four characters a token: the estimate the emulator bills and compares with a model's window. */
export function tokensOfText(text: string): number {
  return Math.ceil(text.length / 4);
}

function tokensOfBlock(block: RequestBlock): number {
  switch (block.type) {
    case 'text':
      return tokensOfText(block.text);
    case 'image':
      return IMAGE_TOKENS;
    case 'tool_use':
      return tokensOfText(block.name) + tokensOfText(JSON.stringify(block.input));
    case 'tool_result':
      if (block.content === undefined) return 1;
      if (typeof block.content === 'string') return tokensOfText(block.content) + 1;
      return block.content.reduce((sum, part) => sum + tokensOfBlock(part), 1);
    case 'thinking':
      return tokensOfText(block.thinking);
    case 'redacted_thinking':
      return tokensOfText(block.data);
  }
}

/** The input tokens of a request: system, every message, the tool definitions. */
export function estimateInputTokens(request: MessagesRequest): number {
  let tokens = 0;
  if (typeof request.system === 'string') tokens += tokensOfText(request.system);
  else if (request.system !== undefined) for (const block of request.system) tokens += tokensOfText(block.text);
  for (const message of request.messages) {
    tokens += 4;
    for (const block of blocksOf(message.content)) tokens += tokensOfBlock(block);
  }
  for (const tool of request.tools ?? []) tokens += tokensOfText(JSON.stringify(tool));
  return tokens;
}
