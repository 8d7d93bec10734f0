import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../../src/contracts/index.js';
import { startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { type AwsRegistrationContext, createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { OnDemandPriceBook, pricingClient } from '../../../src/providers/aws/on-demand-price-book.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { spawnOptions } from './aws-test-bed.js';

/** The one key pair the emulated account knows. */
const KNOWN = { accessKeyId: 'AKIAKNOWNKEY0000001', secretAccessKey: 'known-secret-value-0001' };
/** Planted: none of these may appear in any message, cause or health message. */
const PLANTED_SECRET = 'planted-secret-kq93-never-log';
const PLANTED_TOKEN = 'planted-session-token-zz71-never-log';
const PLANTED_KEY_ID = 'AKIAPLANTED00000042';
/** A key the account does not know. */
const STRANGER = { accessKeyId: PLANTED_KEY_ID, secretAccessKey: PLANTED_SECRET, sessionToken: PLANTED_TOKEN };
/** The account's key id with a wrong secret (and a session token, which AWS echoes in a signature refusal). */
const WRONG_SECRET = { accessKeyId: KNOWN.accessKeyId, secretAccessKey: PLANTED_SECRET, sessionToken: PLANTED_TOKEN };

const open = useTestBed(async (context: AwsRegistrationContext) => {
  const emulator = await startEc2Emulator({ seed: 7, accessKeys: [KNOWN] });
  const config = AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: emulator.url, pricing: { endpoint: emulator.url } });
  const registration = createAwsRegistration(config, context);
  return {
    emulator,
    registration,
    close: async () => {
      await registration.hooks.onShutdown?.();
      await emulator.close();
    },
  };
});

beforeEach(() => {
  // Loopback only: the SDK must never look for credentials on an instance metadata endpoint.
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Leaves the SDK's default chain nothing to find: no environment keys, no shared files, no profile, no container or web identity. */
function noAmbientCredentials(): void {
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_ROLE_ARN',
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/hangar-test/credentials');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/hangar-test/config');
}

/** Everything a log line could show of an error: message, cause, and the whole object graph. */
function everythingShown(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return [String(error), error instanceof Error ? error.message : '', inspect(error, { depth: 6, showHidden: true }), inspect(cause, { depth: 6, showHidden: true }), JSON.stringify(cause ?? null)].join('\n');
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(PLANTED_SECRET);
  expect(text).not.toContain(PLANTED_TOKEN);
  expect(text).not.toContain(PLANTED_KEY_ID);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );
}

/** Every call path of the provider, each expected to fail as AUTH_ERROR without showing a secret. */
async function expectAuthErrorEverywhere(registration: ReturnType<typeof createAwsRegistration>): Promise<void> {
  const { provider } = registration;
  const calls: Record<string, () => Promise<unknown>> = {
    spawn: () => provider.spawn(spawnOptions()),
    list: () => provider.list({ owner: 'hangar-test' }),
    get: () => provider.get('i-0123456789abcdef0'),
    terminate: () => provider.terminate('i-0123456789abcdef0'),
    catalog: () => provider.instanceTypes(),
  };
  for (const [path, call] of Object.entries(calls)) {
    const error = await failureOf(call());
    expect(error, path).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code, path).toBe('AUTH_ERROR');
    expect((error as ProviderError).retryable, path).toBe(false);
    expectNoSecret(everythingShown(error));
  }
  const health = await registration.hooks.onHeartbeat?.('health_check');
  expect(health).toMatchObject({ task: 'health_check', ok: false, errorCode: 'AUTH_ERROR' });
  expectNoSecret(health?.message ?? '');
}

describe('AWS with credentials AWS does not accept: AUTH_ERROR, not a retryable unknown outcome', () => {
  it('an access key the account does not know (EC2 AuthFailure) fails every call path as AUTH_ERROR', async () => {
    const bed = await open({ credentials: STRANGER });
    await expectAuthErrorEverywhere(bed.registration);
  });

  it('a known key signed with the wrong secret (EC2 AuthFailure) fails every call path as AUTH_ERROR', async () => {
    const bed = await open({ credentials: WRONG_SECRET });
    await expectAuthErrorEverywhere(bed.registration);
  });

  it('no credentials anywhere (the SDK’s CredentialsProviderError) fails every call path as AUTH_ERROR', async () => {
    noAmbientCredentials();
    const bed = await open({});
    await expectAuthErrorEverywhere(bed.registration);
  });

  it('works with the account’s own key (the emulator really checks signatures)', async () => {
    const bed = await open({ credentials: KNOWN });
    const health = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(health?.ok).toBe(true);
    expect(await bed.registration.provider.list({ owner: 'hangar-test' })).toEqual([]);
  });
});

describe('the Price List refresh with credentials AWS does not accept', () => {
  it.each([
    ['an unknown access key (UnrecognizedClientException)', STRANGER],
    ['a wrong secret (InvalidSignatureException, whose message carries the session token)', WRONG_SECRET],
  ])('records %s as AUTH_ERROR, keeps its prices, and shows no secret', async (_label, credentials) => {
    const emulator = await startEc2Emulator({ seed: 7, accessKeys: [KNOWN] });
    const book = new OnDemandPriceBook({ 'us-east-1': { 't3.micro': 0.5 } }, pricingClient(emulator.url, credentials));
    try {
      const status = await book.refresh(['us-east-1']);
      expect(status.lastErrorCode).toBe('AUTH_ERROR');
      expect(status.refreshedAt).toBeNull();
      expect(book.table()['us-east-1']?.['t3.micro']).toBe(0.5);
      expectNoSecret(status.lastError ?? '');
      expectNoSecret(JSON.stringify(status));
    } finally {
      book.destroy();
      await emulator.close();
    }
  });

  it('records a missing credential chain as AUTH_ERROR', async () => {
    noAmbientCredentials();
    const emulator = await startEc2Emulator({ seed: 7, accessKeys: [KNOWN] });
    const book = new OnDemandPriceBook({}, pricingClient(emulator.url));
    try {
      const status = await book.refresh(['us-east-1']);
      expect(status.lastErrorCode).toBe('AUTH_ERROR');
      expect(status.lastError).toMatch(/no AWS credentials/);
    } finally {
      book.destroy();
      await emulator.close();
    }
  });
});
