import { createHash } from 'node:crypto';
import type { HandoffTarget } from './handoff-targets.js';

const ID_LENGTH = 24;

/** 24 letters and digits derived from `seed` (sha-256): the same seed, the same id, on every machine. */
function digest(seed: string): string {
  const letters = createHash('sha256').update(seed).digest('base64url').replace(/[-_]/g, '');
  return letters.length >= ID_LENGTH ? letters.slice(0, ID_LENGTH) : createHash('sha256').update(seed).digest('hex').slice(0, ID_LENGTH);
}

/**
 * Hands out the target's tool-call ids, call by call in conversation order: an id already in the
 * target's format is kept; any other is rewritten to `<prefix><digest of the id>`; an id used by an
 * earlier call (vendors that number calls per turn, `call_0`, repeat them) gets a fresh one, since
 * Anthropic refuses duplicate tool_use ids. A target without a format keeps ids, deduplicated with
 * a `-<n>` suffix. Deterministic, and idempotent: its output ids are well formed and unique, so a
 * second pass keeps every one.
 */
export class ToolCallIdAllocator {
  private readonly used = new Set<string>();

  constructor(private readonly target: HandoffTarget) {}

  allocate(original: string): string {
    const format = this.target.toolIds;
    let candidate = format === null || format.pattern.test(original) ? original : `${format.prefix}${digest(original)}`;
    for (let n = 2; this.used.has(candidate); n += 1) {
      candidate = format === null ? `${original}-${n}` : `${format.prefix}${digest(`${original}#${n}`)}`;
    }
    this.used.add(candidate);
    return candidate;
  }
}
