import { EC2Client, type EC2ClientConfig, type EC2PaginationConfiguration } from '@aws-sdk/client-ec2';
import { ProviderError } from '../../contracts/index.js';
import { abortable, abortReason, throwIfAborted } from '../../lib/abortable-wait.js';
import type { AwsConfig } from './aws-config.js';

export interface Ec2ClientOptions {
  /** For tests and harnesses only; production takes the SDK's default credential chain. */
  credentials?: EC2ClientConfig['credentials'];
  /** Sees every EC2 request before it is signed (operation name without `Command`, and its input): for request checks and counting. */
  onRequest?: (operation: string, input: unknown) => void;
}

/**
 * Whether an SDK call failed before it was sent because no credentials could be had: the default
 * chain found none (`CredentialsProviderError` from @smithy/property-provider: "Could not load
 * credentials from any providers"), or a provider in it could not deliver (an expired SSO session
 * is a `TokenProviderError`). Matched by name, since the SDK's packages may be installed more than
 * once. The error names no secret; the chain never puts one in a message.
 */
export function isMissingCredentials(error: unknown): boolean {
  return error instanceof Error && (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError');
}

/** What a missing credential chain means, for the messages of every AWS call path. */
export const MISSING_CREDENTIALS =
  'no AWS credentials were found (the SDK’s default chain: environment variables, shared config and credential files, SSO, a container or instance role)';

/**
 * One provider call under its caller's signal: an already aborted call rejects with the signal's
 * reason and `work` never starts (no request); an abort later rejects the call at that moment with
 * the reason, whatever `work` still waits on (the requests it made are dropped through `sendOptions`).
 */
export function runAbortable<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  if (signal?.aborted === true) return Promise.reject(abortReason(signal));
  return abortable(work(), signal);
}

/**
 * The options of one `client.send` for a caller's signal: the SDK's HTTP handler drops the request
 * when the signal aborts. Throws the signal's reason when it has already aborted, so an aborted
 * call never reaches the client (no middleware, no credential look-up, no request).
 */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal: AbortSignal } | undefined {
  throwIfAborted(signal);
  // Without a signal, no options at all: the call is sent exactly as before.
  return signal === undefined ? undefined : { abortSignal: signal };
}

/**
 * The paginator config that stops between pages once the signal aborts: the SDK's paginators
 * (`createPaginator` in @smithy/core) pass every page's command through `withCommand` just before
 * sending it, so an aborted signal throws there and no further page is requested. The signal itself
 * rides along as the paginator's extra argument (`paginateX(config, input, sendOptions(signal))`),
 * which the paginator hands to each `client.send`, so a page in flight is dropped too.
 */
export function pagesUntilAborted(signal: AbortSignal | undefined): Pick<EC2PaginationConfiguration, 'withCommand'> {
  if (signal === undefined) return {};
  return {
    withCommand: (command) => {
      throwIfAborted(signal);
      return command;
    },
  };
}

/** One SDK client per configured region. */
export class Ec2Clients {
  private readonly clients: ReadonlyMap<string, EC2Client>;

  constructor(config: AwsConfig, options: Ec2ClientOptions = {}) {
    this.clients = new Map(
      config.regions.map((region) => {
        const client = new EC2Client({
          region,
          // The control plane owns retries; an SDK retrying underneath would stack a second layer.
          maxAttempts: 1,
          ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
          ...(options.credentials !== undefined && { credentials: options.credentials }),
        });
        const { onRequest } = options;
        if (onRequest !== undefined) {
          client.middlewareStack.add(
            (next, context) => async (args) => {
              onRequest(String(context.commandName).replace(/Command$/, ''), args.input);
              return next(args);
            },
            { step: 'initialize', name: 'hangarOnRequest' },
          );
        }
        return [region, client] as const;
      }),
    );
  }

  get regions(): string[] {
    return [...this.clients.keys()];
  }

  has(region: string): boolean {
    return this.clients.has(region);
  }

  /** The client of a configured region; any other region is the caller's mistake. */
  of(region: string): EC2Client {
    const client = this.clients.get(region);
    if (client === undefined) {
      throw new ProviderError({ code: 'INVALID_SPEC', provider: 'aws', message: `aws: region ${region} is not configured (configured: ${this.regions.join(', ')})` });
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
  }
}
