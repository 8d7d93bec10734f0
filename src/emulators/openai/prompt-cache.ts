import { createHash } from 'node:crypto';
import type { ChatRequest } from './chat-request.js';
import { messageTokens } from './token-estimate.js';

/** OpenAI caches prompts of 1,024 tokens or more, in steps of 128. */
const MIN_CACHED_TOKENS = 1024;
const CACHE_STEP = 128;

/**
 * Prompt caching as OpenAI reports it (`prompt_tokens_details.cached_tokens`): a request whose
 * messages before the last one were all sent before, by the same model, reads that prefix from the
 * cache when it is at least 1,024 tokens, counted down to a multiple of 128. Bounded; forgets the
 * oldest prefix first.
 */
export class PromptCache {
  private readonly seen = new Set<string>();

  constructor(private readonly limit = 10_000) {}

  /** The cached tokens of this request, and remembers its prefixes for the next one. */
  cachedTokens(request: ChatRequest): number {
    const hash = createHash('sha256').update(request.model);
    let cached = 0;
    let prefixTokens = 0;
    for (const [index, message] of request.messages.entries()) {
      hash.update(JSON.stringify(message));
      prefixTokens += messageTokens(message);
      const key = hash.copy().digest('hex');
      if (index < request.messages.length - 1 && this.seen.has(key)) cached = prefixTokens;
      this.remember(key);
    }
    return cached < MIN_CACHED_TOKENS ? 0 : Math.floor(cached / CACHE_STEP) * CACHE_STEP;
  }

  private remember(key: string): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.seen.size > this.limit) this.seen.delete(this.seen.values().next().value!);
  }
}
