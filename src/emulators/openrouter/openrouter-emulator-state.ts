import { createHash } from 'node:crypto';
import type { ChatRequest } from './chat-request-schema.js';
import { type EmulatedModel, OPENROUTER_CATALOG } from './openrouter-catalog.js';
import type { ResolvedOpenRouterOptions, UpstreamStatus } from './openrouter-emulator-options.js';
import { SeededDraws } from './seeded-draws.js';
import { messageTokens } from './usage-accounting.js';

const FREE_WINDOW_MS = 60_000;

export interface FreeModelVerdict {
  allowed: boolean;
  limit: number;
  /** When the window resets (ms since the epoch). */
  resetAtMs: number;
}

/**
 * The emulated account: its credit balance and spend, the upstream providers' health, the
 * free-model request windows per key, the prompt prefixes seen (for cache hits), and the
 * generation counter behind the seeded ids.
 */
export class OpenRouterEmulatorState {
  creditsUsd: number | null;
  /** USD spent so far (what `GET /api/v1/key` reports as `usage`). */
  usageUsd = 0;
  readonly catalog: readonly EmulatedModel[] = OPENROUTER_CATALOG;
  private readonly upstreams: Map<string, UpstreamStatus>;
  private generations = 0;
  private readonly freeWindows = new Map<string, { startedAtMs: number; used: number }>();
  private readonly seenPrefixes = new Set<string>();

  constructor(readonly options: ResolvedOpenRouterOptions) {
    this.creditsUsd = options.creditsUsd;
    this.upstreams = new Map(Object.entries(options.upstreams));
  }

  now(): number {
    return this.options.now();
  }

  model(id: string): EmulatedModel | undefined {
    return this.catalog.find((candidate) => candidate.id === id);
  }

  upstreamStatus(provider: string): UpstreamStatus {
    return this.upstreams.get(provider) ?? 'up';
  }

  setUpstream(provider: string, status: UpstreamStatus): void {
    if (status === 'up') this.upstreams.delete(provider);
    else this.upstreams.set(provider, status);
  }

  upstreamOverrides(): Record<string, UpstreamStatus> {
    return Object.fromEntries([...this.upstreams.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  resetUpstreams(): void {
    this.upstreams.clear();
  }

  /** `gen-<unix seconds>-<20 letters and digits>`, the n-th draw of the seed. */
  nextGenerationId(): string {
    this.generations += 1;
    return `gen-${Math.floor(this.now() / 1000)}-${SeededDraws.of(this.options.seed, 'generation', String(this.generations)).token(20)}`;
  }

  /** Counts one request to a `:free` model for `key`, unless its minute's quota is spent. */
  takeFreeRequest(key: string): FreeModelVerdict {
    const limit = this.options.freeModelRequestsPerMinute;
    const now = this.now();
    if (limit === null) return { allowed: true, limit: Number.POSITIVE_INFINITY, resetAtMs: now };
    let window = this.freeWindows.get(key);
    if (window === undefined || now - window.startedAtMs >= FREE_WINDOW_MS) {
      window = { startedAtMs: now, used: 0 };
      this.freeWindows.set(key, window);
    }
    const resetAtMs = window.startedAtMs + FREE_WINDOW_MS;
    if (window.used >= limit) return { allowed: false, limit, resetAtMs };
    window.used += 1;
    return { allowed: true, limit, resetAtMs };
  }

  /**
   * Prompt caching: the tokens of the longest prefix of this conversation the model has seen before
   * (then every prefix of it is remembered). Models that price cache reads cache implicitly, except
   * Anthropic's, which cache only where the request marks `cache_control`.
   */
  cachedPromptTokens(model: EmulatedModel, request: ChatRequest): number {
    if (model.entry.pricing.input_cache_read === undefined) return 0;
    if (model.dialect === 'anthropic' && !JSON.stringify(request).includes('"cache_control"')) return 0;
    let digest = model.id;
    let cached = 0;
    let running = 0;
    const prefixes: string[] = [];
    for (const message of request.messages) {
      digest = createHash('sha256').update(digest).update(JSON.stringify(message)).digest('hex');
      running += messageTokens(message);
      if (this.seenPrefixes.has(digest)) cached = running;
      prefixes.push(digest);
    }
    for (const prefix of prefixes) this.seenPrefixes.add(prefix);
    return cached;
  }

  /** Draws a call's cost from the balance. */
  charge(costUsd: number): void {
    this.usageUsd = Number((this.usageUsd + costUsd).toFixed(12));
    if (this.creditsUsd !== null) this.creditsUsd = Number((this.creditsUsd - costUsd).toFixed(12));
  }
}
