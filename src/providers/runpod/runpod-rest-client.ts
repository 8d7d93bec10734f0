import type { z } from 'zod';
import { materialize, VendorResponseError } from '../../contracts/index.js';
import { abortReason, throwIfAborted } from '../../lib/abortable-wait.js';
import type { RateLimitPacer } from './rate-limit-pacer.js';
import { retryAfterMs } from './ratelimit-headers.js';
import { redact, RunPodCallError, runPodError, safeCause } from './runpod-errors.js';
import { ProblemWireSchema } from './runpod-wire.js';

export interface RestClientOptions {
  /** The server root (`https://api.runpod.io`); paths are `/v2/...`. */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  pacer: RateLimitPacer;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface RestRequest {
  /** Names the call in errors ("createPod"). */
  operation: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

/**
 * REST v2 over fetch: Bearer auth, the pacer before every request, problem documents through the
 * error table. The key goes only in the Authorization header, never in a URL or a message: every
 * vendor text and transport error is redacted before it becomes an error.
 */
export class RunPodRestClient {
  constructor(private readonly options: RestClientOptions) {}

  /**
   * The parsed body of a 2xx answer (null for 204); any other answer throws by the table. `signal` is
   * the caller's: it stops the pacing wait and the request, and the call rejects with its reason.
   */
  async call<T>(request: RestRequest, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T>;
  async call(request: RestRequest, schema: null, signal?: AbortSignal): Promise<null>;
  async call<T>(request: RestRequest, schema: z.ZodType<T> | null, signal?: AbortSignal): Promise<T | null> {
    throwIfAborted(signal);
    const url = new URL(request.path, this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const done = await this.options.pacer.acquire(signal);
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json, application/problem+json',
          ...(request.body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        signal: withDeadline(this.options.timeoutMs, signal),
      });
    } catch (error) {
      done(null);
      // The caller gave up: that is the reason, not a dropped connection of RunPod's.
      if (signal?.aborted === true) throw abortReason(signal);
      throw new RunPodCallError(request.operation, null, `runpod: ${request.operation} got no answer (${error instanceof Error ? error.name : 'error'})`, safeCause(error, this.options.apiKey));
    }
    const now = (this.options.now ?? Date.now)();
    const waitMs = retryAfterMs(response.headers.get('retry-after'), now);
    done({ status: response.status, headers: response.headers, retryAfterMs: waitMs });
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (signal?.aborted === true) throw abortReason(signal);
      throw new RunPodCallError(request.operation, response.status, `runpod: ${request.operation}: the answer broke off`, safeCause(error, this.options.apiKey));
    }
    if (response.ok) {
      if (schema === null || response.status === 204) return null;
      return materialize(schema, parseJson(text, request.operation, this.options.apiKey), 'runpod', `the ${request.operation} answer`);
    }
    const problem = ProblemWireSchema.safeParse(safeJson(text));
    const detail = problem.success
      ? [problem.data.detail, ...(problem.data.errors ?? [])].join('; ')
      : text.slice(0, 200) || response.statusText;
    // The vendor's words travel into the error; the key never does, even if an answer echoes it.
    throw runPodError(request.operation, { api: 'rest', status: response.status, message: redact(detail, this.options.apiKey) }, waitMs);
  }
}

/** The request's own deadline, joined with the caller's signal when there is one. */
export function withDeadline(timeoutMs: number, signal: AbortSignal | undefined): AbortSignal {
  const deadline = AbortSignal.timeout(timeoutMs);
  return signal === undefined ? deadline : AbortSignal.any([deadline, signal]);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseJson(text: string, operation: string, secret: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text it could not read: that quote goes through redact too.
    throw new VendorResponseError('runpod', `runpod: cannot read the ${operation} answer (not JSON)`, safeCause(error, secret));
  }
}
