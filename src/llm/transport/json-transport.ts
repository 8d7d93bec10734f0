import type { HttpJsonRequest, HttpJsonResponse, Transport } from '../core/adapter-contract.js';
import { ProviderError, RuntimeError } from '../core/runtime-errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, vendorRetryAfterMs } from './retry-policy.js';

export interface JsonTransportOptions {
  /** The provider the transport speaks for (named in its errors). */
  provider: string;
  policy?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  now?: () => number;
  /** Waits `ms` or rejects with the signal's reason; injectable so tests run on a fake clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Called before each retry (metrics, tests). */
  onRetry?: (event: { attempt: number; delayMs: number; error: Error }) => void;
}

/** Aborts with the signal's reason, or resolves after `ms`. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * JSON over fetch with the runtime's one retry policy: capped attempts, exponential backoff with full
 * jitter, the vendor's Retry-After / retry-after-ms honoured (Anthropic's 529 overloaded is an
 * OVERLOADED error, retried like a 503), a deadline per attempt and for the whole call, and the
 * caller's AbortSignal. Retries only what the adapter's `decodeError` classes as retryable (and
 * network failures and timeouts); never translates.
 */
export class JsonTransport implements Transport {
  private readonly policy: RetryPolicy;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: JsonTransportOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
    this.fetchFn = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.sleepFn = options.sleep ?? sleep;
  }

  async send(request: HttpJsonRequest, decodeError: (status: number, headers: Headers, body: unknown) => Error, signal?: AbortSignal): Promise<HttpJsonResponse> {
    const started = this.now();
    for (let attempt = 1; ; attempt += 1) {
      let failure: Error;
      try {
        return await this.attempt(request, decodeError, signal, started);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        failure = error instanceof Error ? error : new Error(String(error));
      }
      const retryable = failure instanceof ProviderError && failure.retryable;
      if (!retryable || attempt >= this.policy.maxAttempts) throw failure;
      const delayMs = retryDelayMs(this.policy, attempt, (failure as ProviderError).retryAfterMs, this.options.random);
      // No retry that could not finish before the call's deadline: the failure stands.
      if (this.now() + delayMs >= started + this.policy.deadlineMs) throw failure;
      this.options.onRetry?.({ attempt, delayMs, error: failure });
      await this.sleepFn(delayMs, signal);
    }
  }

  private async attempt(
    request: HttpJsonRequest,
    decodeError: (status: number, headers: Headers, body: unknown) => Error,
    signal: AbortSignal | undefined,
    started: number,
  ): Promise<HttpJsonResponse> {
    const left = started + this.policy.deadlineMs - this.now();
    const timeoutMs = Math.max(1, Math.min(this.policy.attemptTimeoutMs, left));
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let response: Response;
    try {
      response = await this.fetchFn(request.url, {
        method: request.method,
        headers: { accept: 'application/json', ...(request.body !== undefined && { 'content-type': 'application/json' }), ...request.headers },
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        signal: combined,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new ProviderError({ code: 'TIMEOUT', provider: this.options.provider, message: `${this.options.provider}: no answer within ${timeoutMs} ms`, cause: error });
      throw new ProviderError({ code: 'NETWORK', provider: this.options.provider, message: `${this.options.provider}: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
    const text = await response.text().catch((error: unknown) => {
      if (timeout.aborted) throw new ProviderError({ code: 'TIMEOUT', provider: this.options.provider, message: `${this.options.provider}: the body did not arrive within ${timeoutMs} ms`, cause: error });
      throw error;
    });
    let body: unknown = text;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        // Left as text: an error body that is not JSON (a proxy's HTML page) still reaches decodeError.
      }
    }
    if (response.status >= 200 && response.status < 300) {
      if (typeof body === 'string' && text.length > 0) {
        throw new ProviderError({ code: 'BAD_RESPONSE', provider: this.options.provider, message: `${this.options.provider}: a ${response.status} answer that is not JSON`, status: response.status, raw: text.slice(0, 500) });
      }
      return { status: response.status, headers: response.headers, body };
    }
    const decoded = decodeError(response.status, response.headers, body);
    if (decoded instanceof ProviderError && decoded.retryAfterMs === undefined) {
      const vendorDelay = vendorRetryAfterMs(response.headers, this.now());
      if (vendorDelay !== undefined) {
        throw new ProviderError({ code: decoded.code, provider: decoded.provider, message: decoded.message, status: decoded.status ?? response.status, retryAfterMs: vendorDelay, raw: decoded.raw });
      }
    }
    if (!(decoded instanceof RuntimeError)) throw new RuntimeError(decoded.message, { cause: decoded });
    throw decoded;
  }
}
