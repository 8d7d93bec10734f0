import type { z } from 'zod';
import { materialize, VendorResponseError } from '../../contracts/index.js';
import { abortReason, throwIfAborted } from '../../lib/abortable-wait.js';
import type { RateLimitPacer } from './rate-limit-pacer.js';
import { retryAfterMs } from './ratelimit-headers.js';
import { withDeadline } from './runpod-rest-client.js';
import { redact, RunPodCallError, runPodError, safeCause } from './runpod-errors.js';

export interface GraphqlClientOptions {
  /** The full endpoint (`https://api.runpod.io/graphql`). */
  url: string;
  apiKey: string;
  timeoutMs: number;
  pacer: RateLimitPacer;
  fetch?: typeof fetch;
  now?: () => number;
}

interface GraphqlEnvelope {
  data?: unknown;
  errors?: { message?: unknown }[];
}

/**
 * RunPod's GraphQL API, used only for what REST v2 lacks (interruptible pods and their bids). The
 * docs pass the key as `?api_key=`; the official SDK sends `Authorization: Bearer`, which keeps the
 * key out of URLs (and so out of any log or error that prints one), so Hangar does the same, and
 * redacts the key from every vendor message and transport error it passes on.
 * GraphQL answers errors inside HTTP 200: any `errors` entry fails the call through the same table
 * as REST.
 */
export class RunPodGraphqlClient {
  constructor(private readonly options: GraphqlClientOptions) {}

  /** `signal` is the caller's: it stops the pacing wait and the request, and the call rejects with its reason. */
  async request<T>(operation: string, query: string, variables: Record<string, unknown>, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    throwIfAborted(signal);
    const done = await this.options.pacer.acquire(signal);
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(this.options.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: withDeadline(this.options.timeoutMs, signal),
      });
    } catch (error) {
      done(null);
      // The caller gave up: that is the reason, not a dropped connection of RunPod's.
      if (signal?.aborted === true) throw abortReason(signal);
      throw new RunPodCallError(operation, null, `runpod: ${operation} (GraphQL) got no answer (${error instanceof Error ? error.name : 'error'})`, safeCause(error, this.options.apiKey));
    }
    const waitMs = retryAfterMs(response.headers.get('retry-after'), (this.options.now ?? Date.now)());
    done({ status: response.status, headers: response.headers, retryAfterMs: waitMs });
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (signal?.aborted === true) throw abortReason(signal);
      throw new RunPodCallError(operation, response.status, `runpod: ${operation} (GraphQL): the answer broke off`, safeCause(error, this.options.apiKey));
    }
    let envelope: GraphqlEnvelope | undefined;
    try {
      envelope = JSON.parse(text) as GraphqlEnvelope;
    } catch (error) {
      if (response.ok) throw new VendorResponseError('runpod', `runpod: cannot read the ${operation} answer (GraphQL, not JSON)`, safeCause(error, this.options.apiKey));
    }
    const first = envelope?.errors?.[0];
    if (first !== undefined || !response.ok) {
      const message = typeof first?.message === 'string' ? first.message : text.slice(0, 200) || response.statusText;
      throw runPodError(operation, { api: 'graphql', status: response.status, message: redact(message, this.options.apiKey) }, waitMs);
    }
    return materialize(schema, envelope?.data, 'runpod', `the ${operation} answer (GraphQL)`);
  }
}
