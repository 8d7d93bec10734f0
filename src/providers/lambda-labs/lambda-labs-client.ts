import { setMaxListeners } from 'node:events';
import type { z } from 'zod';
import { materialize, VendorResponseError } from '../../contracts/index.js';
import { abortReason, throwIfAborted } from '../../lib/abortable-wait.js';
import { type LambdaLabsFailure, type LambdaLabsOperation, lambdaLabsError } from './lambda-labs-errors.js';
import { LambdaErrorEnvelopeSchema } from './lambda-labs-wire.js';
import type { PacingIntervals, RateLimiter } from './rate-limiter.js';

export interface LambdaLabsClientOptions {
  /** The server root; paths carry `/api/v1`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly limiter: RateLimiter;
  readonly intervals: PacingIntervals;
  readonly requestTimeoutMs: number;
  readonly fetch?: typeof fetch;
}

export interface LambdaLabsRequest<T> {
  readonly operation: LambdaLabsOperation;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  /** The schema of the envelope's `data`. */
  readonly data: z.ZodType<T>;
  readonly body?: unknown;
}

const REDACTED = '[redacted]';

/**
 * Lambda Cloud over fetch: Bearer auth, pacing by the key's shared limiter, one deadline per request,
 * and every failure turned into a ProviderError (definite) or a LambdaLabsCallError (outcome unknown)
 * by the error table. It never retries: the caller owns retries.
 */
export class LambdaLabsClient {
  private readonly closed = new AbortController();

  constructor(private readonly options: LambdaLabsClientOptions) {
    // Every queued request listens for shutdown; a burst queues far more than the default ten.
    setMaxListeners(0, this.closed.signal);
  }

  /**
   * `signal` is the caller's: it stops the pacing wait (freeing the slot) and the request, and the call
   * rejects with its reason, never with a vendor error it did not get.
   */
  async call<T>(request: LambdaLabsRequest<T>, signal?: AbortSignal): Promise<T> {
    throwIfAborted(signal);
    const kind = request.operation === 'launch' ? 'launch' : 'request';
    await this.options.limiter.acquire(kind, this.options.intervals, this.closed.signal, signal);
    const { status, text, retryAfterMs } = await this.send(request, signal);
    if (status >= 200 && status < 300) return this.readData(request, text);
    if (status === 429 && retryAfterMs !== null) this.options.limiter.blockUntil(Date.now() + retryAfterMs);
    throw lambdaLabsError(request.operation, this.httpFailure(status, text, retryAfterMs));
  }

  /** Stops pending waits and in-flight requests; later calls fail at once. */
  close(): void {
    this.closed.abort(new Error('lambda-labs: the provider has shut down'));
  }

  private async send(request: LambdaLabsRequest<unknown>, signal: AbortSignal | undefined): Promise<{ status: number; text: string; retryAfterMs: number | null }> {
    throwIfAborted(signal);
    // The deadline is this request's own; the long-lived shutdown signal is linked by a listener that is
    // removed afterwards (AbortSignal.any would leave a record of every request on it).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.options.requestTimeoutMs);
    const onClose = () => deadline.abort();
    this.closed.signal.addEventListener('abort', onClose, { once: true });
    try {
      const response = await (this.options.fetch ?? fetch)(`${this.options.baseUrl.replace(/\/+$/, '')}${request.path}`, {
        method: request.method,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          ...(request.body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        signal: signal === undefined ? deadline.signal : AbortSignal.any([deadline.signal, signal]),
      });
      const text = await response.text();
      return { status: response.status, text, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
    } catch (error) {
      // The caller gave up: that is the reason, not a timeout or network failure of Lambda's.
      if (signal?.aborted === true) throw abortReason(signal);
      const failure: LambdaLabsFailure = deadline.signal.aborted
        ? { kind: 'timeout', timeoutMs: this.options.requestTimeoutMs }
        : { kind: 'network', message: this.redact(networkMessage(error)) };
      throw lambdaLabsError(request.operation, failure);
    } finally {
      clearTimeout(timer);
      this.closed.signal.removeEventListener('abort', onClose);
    }
  }

  private readData<T>(request: LambdaLabsRequest<T>, text: string): T {
    const what = `${request.method} ${request.path}`;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new VendorResponseError('lambda-labs', `lambda-labs: ${what} answered success with a body that is not JSON`);
    }
    const envelope = body !== null && typeof body === 'object' && 'data' in body ? (body as { data: unknown }).data : undefined;
    if (envelope === undefined) throw new VendorResponseError('lambda-labs', `lambda-labs: ${what} answered success without "data"`);
    return materialize(request.data, envelope, 'lambda-labs', what);
  }

  private httpFailure(status: number, text: string, retryAfterMs: number | null): LambdaLabsFailure {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const envelope = LambdaErrorEnvelopeSchema.safeParse(parsed);
    if (!envelope.success) return { kind: 'http', status, code: null, message: this.redact(text.slice(0, 200) || 'no body'), retryAfterMs };
    const { code, message, suggestion } = envelope.data.error;
    return {
      kind: 'http',
      status,
      code,
      message: this.redact(suggestion === undefined ? message : `${message} ${suggestion}`),
      retryAfterMs,
    };
  }

  /** Nothing the vendor or the network says is trusted not to echo the key. */
  private redact(text: string): string {
    return text.split(this.options.apiKey).join(REDACTED);
  }
}

function networkMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
