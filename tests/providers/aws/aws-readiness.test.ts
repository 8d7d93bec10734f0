import { mkdirSync, writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError, type ReadinessProbes } from '../../../src/contracts/index.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { type AwsCredentialEnv, awsConfigured, NO_AWS_CREDENTIALS } from '../../../src/providers/aws/aws-readiness.js';
import { type AwsRegistrationContext, createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { modelledOperations, requestProblems } from '../../support/botocore-model.js';
import { type TempDir, makeTempDir } from '../../support/temp-dir.js';
import { useTestBed } from '../../support/use-test-bed.js';

/** Planted: none of these may appear in any probe's answer, error, or configured check. */
const PLANTED_KEY_ID = 'AKIAPLANTEDREADY0042';
const PLANTED_SECRET = 'planted-readiness-secret-7f3k-never-shown';
const PLANTED_TOKEN = 'planted-readiness-session-token-q81z';
/** The one key the emulated account knows: the planted one, so a passing probe has it in hand too. */
const ACCOUNT_KEY = { accessKeyId: PLANTED_KEY_ID, secretAccessKey: PLANTED_SECRET };

const open = useTestBed(async (options: Ec2EmulatorOptions = {}, context: AwsRegistrationContext = {}) => {
  const emulator = await startEc2Emulator({ seed: 7, accessKeys: [ACCOUNT_KEY], now: () => Date.UTC(2025, 0, 1, 12), ...options });
  const config = AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: emulator.url, pricing: { enabled: false } });
  const sent: { operation: string; input: unknown }[] = [];
  const registration = createAwsRegistration(config, {
    credentials: ACCOUNT_KEY,
    onRequest: (operation, input) => sent.push({ operation, input: structuredClone(input) }),
    ...context,
  });
  return {
    emulator,
    registration,
    sent,
    probes: registration.readiness as ReadinessProbes,
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

/** Everything a log line could show of an outcome: message, cause, the whole object graph. */
function shown(outcome: unknown): string {
  const cause = outcome instanceof Error ? outcome.cause : undefined;
  return [String(outcome), inspect(outcome, { depth: 6, showHidden: true }), inspect(cause, { depth: 6, showHidden: true }), JSON.stringify(outcome ?? null)].join('\n');
}

function expectNoSecret(outcome: unknown): void {
  const text = shown(outcome);
  expect(text).not.toContain(PLANTED_SECRET);
  expect(text).not.toContain(PLANTED_TOKEN);
  expect(text).not.toContain(PLANTED_KEY_ID);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => new Error(`expected the probe to fail, it answered: ${String(value)}`),
    (error: unknown) => error,
  );
}

describe('AWS readiness: the probes a registration carries', () => {
  it('registers three free probes, and checks every request they send against the EC2 model', async () => {
    const bed = await open();
    expect(bed.probes.auth.costUsd).toBe(0);
    expect(bed.probes.execution.costUsd).toBe(0);
    expect(bed.probes.auth.description).toContain('DescribeAvailabilityZones in us-east-1');
    expect(bed.probes.execution.description).toContain('RunInstances with DryRun');
    await bed.probes.auth.run({ owner: 'tests' });
    await bed.probes.execution.run({ owner: 'tests' });
    expect(bed.sent.map((request) => request.operation)).toEqual(['DescribeAvailabilityZones', 'RunInstances']);
    const modelled = new Set(modelledOperations());
    expect(bed.sent.every((request) => modelled.has(request.operation))).toBe(true);
    expect(bed.sent.flatMap((request) => requestProblems(request.operation, request.input))).toEqual([]);
    expect(bed.sent[1]?.input).toMatchObject({ DryRun: true, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 });
  });
});

describe('AWS configured: a local credential source, found without a network call', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = makeTempDir('aws-readiness');
  });
  afterEach(() => dir.remove());

  const config = { regions: ['us-east-1'] };
  /** An environment with nothing in it: no variables, and shared files that do not exist. */
  const bare = (extra: AwsCredentialEnv = {}): AwsCredentialEnv => ({
    HOME: join(dir.path, 'home'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'no-credentials'),
    AWS_CONFIG_FILE: join(dir.path, 'no-config'),
    ...extra,
  });
  const file = (name: string, text: string): string => {
    const path = join(dir.path, name);
    writeFileSync(path, text);
    return path;
  };

  it('passes with credentials given to the registration, or the environment’s key pair', () => {
    expect(awsConfigured(config, bare(), true)).toEqual({ ok: true, missing: [] });
    const check = awsConfigured(config, bare({ AWS_ACCESS_KEY_ID: PLANTED_KEY_ID, AWS_SECRET_ACCESS_KEY: PLANTED_SECRET, AWS_SESSION_TOKEN: PLANTED_TOKEN }), false);
    expect(check).toEqual({ ok: true, missing: [] });
  });

  it('with no source at all is CONFIG_MISSING naming every source it looked for, and shows no half of a key pair', () => {
    const check = awsConfigured(config, bare({ AWS_SECRET_ACCESS_KEY: PLANTED_SECRET }), false);
    expect(check).toEqual({ ok: false, missing: [NO_AWS_CREDENTIALS] });
    expect(NO_AWS_CREDENTIALS).toMatch(/AWS_ACCESS_KEY_ID.*AWS_PROFILE.*AWS_WEB_IDENTITY_TOKEN_FILE.*AWS_CONTAINER_CREDENTIALS.*providers\.aws\.instanceRole/);
    expectNoSecret(check);
  });

  it('finds a profile in the shared credentials file (default or AWS_PROFILE) by key names only, never reading a value out', () => {
    const credentials = file('credentials', `[default]\naws_access_key_id = ${PLANTED_KEY_ID}\naws_secret_access_key = ${PLANTED_SECRET}\n\n[ops]\naws_access_key_id=${PLANTED_KEY_ID}\naws_secret_access_key=${PLANTED_SECRET}\n`);
    expect(awsConfigured(config, bare({ AWS_SHARED_CREDENTIALS_FILE: credentials }), false).ok).toBe(true);
    expect(awsConfigured(config, bare({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_PROFILE: 'ops' }), false).ok).toBe(true);
    const missing = awsConfigured(config, bare({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_PROFILE: 'nope' }), false);
    expect(missing.ok).toBe(false);
    expect(missing.missing).toEqual([expect.stringMatching(/^AWS_PROFILE \(no profile "nope" in /)]);
    expectNoSecret(missing);
  });

  it('finds the default shared credentials file under HOME', () => {
    const home = join(dir.path, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'credentials'), `[default]\naws_access_key_id=${PLANTED_KEY_ID}\naws_secret_access_key=${PLANTED_SECRET}\n`);
    expect(awsConfigured(config, { HOME: home }, false).ok).toBe(true);
  });

  it('takes SSO, role and credential_process profiles from the shared config file, and refuses a profile without credentials', () => {
    const configFile = file('config', '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n[profile role]\nrole_arn = arn:aws:iam::123456789012:role/hangar\nsource_profile = sso\n[profile proc]\ncredential_process = /usr/bin/true\n[profile bare]\nregion = us-east-1\n');
    for (const profile of ['sso', 'role', 'proc']) expect(awsConfigured(config, bare({ AWS_CONFIG_FILE: configFile, AWS_PROFILE: profile }), false).ok, profile).toBe(true);
    expect(awsConfigured(config, bare({ AWS_CONFIG_FILE: configFile, AWS_PROFILE: 'bare' }), false).missing).toEqual([expect.stringMatching(/^AWS_PROFILE \(profile "bare" names no credentials/)]);
  });

  it('follows the SDK: with AWS_PROFILE set, the environment’s key pair is not a source', () => {
    const check = awsConfigured(config, bare({ AWS_PROFILE: 'absent', AWS_ACCESS_KEY_ID: PLANTED_KEY_ID, AWS_SECRET_ACCESS_KEY: PLANTED_SECRET }), false);
    expect(check.ok).toBe(false);
    expect(check.missing[0]).toMatch(/^AWS_PROFILE/);
    expectNoSecret(check);
  });

  it('takes a web identity token file with its role, and container credentials', () => {
    const token = file('token', PLANTED_TOKEN);
    expect(awsConfigured(config, bare({ AWS_WEB_IDENTITY_TOKEN_FILE: token, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/hangar' }), false).ok).toBe(true);
    expect(awsConfigured(config, bare({ AWS_WEB_IDENTITY_TOKEN_FILE: join(dir.path, 'gone') }), false).missing).toEqual(['AWS_WEB_IDENTITY_TOKEN_FILE (no such file)']);
    expect(awsConfigured(config, bare({ AWS_WEB_IDENTITY_TOKEN_FILE: token }), false).missing).toEqual(['AWS_ROLE_ARN (AWS_WEB_IDENTITY_TOKEN_FILE needs it)']);
    expect(awsConfigured(config, bare({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' }), false).ok).toBe(true);
    expect(awsConfigured(config, bare({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/creds' }), false).ok).toBe(true);
  });

  it('an instance-role deployment declares itself with providers.aws.instanceRole (IMDS is never called), unless IMDS is disabled', () => {
    expect(awsConfigured(config, bare(), false).ok).toBe(false);
    const role = AwsConfigSchema.parse({ regions: ['us-east-1'], instanceRole: true });
    expect(awsConfigured(role, bare(), false)).toEqual({ ok: true, missing: [] });
    expect(awsConfigured(role, bare({ AWS_EC2_METADATA_DISABLED: 'true' }), false).missing).toEqual([expect.stringMatching(/^AWS_EC2_METADATA_DISABLED/)]);
    expect(awsConfigured(role, bare({ AWS_EC2_METADATA_DISABLED: 'false' }), false).ok).toBe(true);
  });

  it('the registration’s check reads the environment it is given (process.env by default)', async () => {
    const parsed = AwsConfigSchema.parse({ regions: ['us-east-1'], endpoint: 'http://127.0.0.1:9', pricing: { enabled: false } });
    const without = createAwsRegistration(parsed, { env: bare() });
    const withKeys = createAwsRegistration(parsed, { env: bare({ AWS_ACCESS_KEY_ID: PLANTED_KEY_ID, AWS_SECRET_ACCESS_KEY: PLANTED_SECRET }) });
    try {
      expect(without.readiness?.configured()).toEqual({ ok: false, missing: [NO_AWS_CREDENTIALS] });
      expect(withKeys.readiness?.configured()).toEqual({ ok: true, missing: [] });
    } finally {
      await without.hooks.onShutdown?.();
      await withKeys.hooks.onShutdown?.();
    }
  });
});

describe('AWS auth probe: DescribeAvailabilityZones in the first region', () => {
  it('passes with the account’s key and says what it saw, without the key', async () => {
    const bed = await open();
    const line = await bed.probes.auth.run({ owner: 'tests' });
    expect(line).toBe('EC2 answers in us-east-1: 3 availability zones available (us-east-1a, us-east-1b, us-east-1c)');
    expectNoSecret(line);
  });

  it.each([
    ['a key the account does not know', { accessKeyId: 'AKIASTRANGER00000001', secretAccessKey: PLANTED_SECRET, sessionToken: PLANTED_TOKEN }],
    ['the account’s key with a wrong secret', { accessKeyId: PLANTED_KEY_ID, secretAccessKey: `${PLANTED_SECRET}-wrong`, sessionToken: PLANTED_TOKEN }],
  ])('%s is AUTH_ERROR (AuthFailure) that shows no part of the credentials', async (_label, credentials) => {
    const bed = await open({}, { credentials });
    const error = await failureOf(bed.probes.auth.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'AUTH_ERROR', retryable: false });
    expectNoSecret(error);
    // The execution probe is refused the same way.
    const execution = await failureOf(bed.probes.execution.run({ owner: 'tests' }));
    expect(execution).toMatchObject({ code: 'AUTH_ERROR' });
    expectNoSecret(execution);
  });

  it('no credentials anywhere is AUTH_ERROR from the probe too (configured has already said CONFIG_MISSING)', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/hangar-test/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/hangar-test/config');
    const bed = await open({}, { credentials: undefined });
    expect(bed.probes.configured().ok).toBe(false);
    const error = await failureOf(bed.probes.auth.run({ owner: 'tests' }));
    expect(error).toMatchObject({ code: 'AUTH_ERROR', message: expect.stringMatching(/no AWS credentials/) });
  });

  it('a throttled account is RATE_LIMIT_ERROR, retryable and without a retry-after (EC2 sends none; the SDK’s retries are off, so the readiness layer’s backoff retries)', async () => {
    const bed = await open({ throttle: { bucket: 1, refillPerSecond: 0.0001 } });
    await bed.probes.auth.run({ owner: 'tests' });
    const error = await failureOf(bed.probes.auth.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'RATE_LIMIT_ERROR', retryable: true, retryAfterMs: undefined });
  });

  it('an account AWS has blocked is AUTH_ERROR', async () => {
    const bed = await open({ accountStatus: 'blocked' });
    expect(await failureOf(bed.probes.auth.run({ owner: 'tests' }))).toMatchObject({ code: 'AUTH_ERROR' });
  });

  it('an aborted signal sends nothing and rejects with its reason', async () => {
    const bed = await open();
    const reason = new Error('probe deadline');
    const controller = new AbortController();
    controller.abort(reason);
    expect(await failureOf(bed.probes.auth.run({ owner: 'tests', signal: controller.signal }))).toBe(reason);
    expect(bed.sent).toEqual([]);
  });
});

describe('AWS execution probe: the dry-run-probe workflow (RunInstances with DryRun)', () => {
  it('DryRunOperation passes and launches nothing', async () => {
    const bed = await open();
    const line = await bed.probes.execution.run({ owner: 'tests' });
    expect(line).toBe('DryRunOperation: these credentials may launch t3.micro in us-east-1; nothing was launched');
    expect(bed.emulator.state.instances.size).toBe(0);
    expectNoSecret(line);
  });

  it('IAM denying RunInstances: auth passes, execution fails AUTH_ERROR (UnauthorizedOperation)', async () => {
    const bed = await open({ deniedActions: ['RunInstances'] });
    await expect(bed.probes.auth.run({ owner: 'tests' })).resolves.toContain('EC2 answers');
    const error = await failureOf(bed.probes.execution.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'AUTH_ERROR', retryable: false, message: expect.stringContaining('UnauthorizedOperation') });
    expectNoSecret(error);
    expect(bed.emulator.state.instances.size).toBe(0);
  });

  it('a chaos fault on launches fails it with the fault’s class (CAPACITY_ERROR as InsufficientInstanceCapacity)', async () => {
    const bed = await open({ chaos: { seed: 1, faults: [{ operation: 'spawn', effect: 'error', code: 'CAPACITY_ERROR' }] } });
    expect(await failureOf(bed.probes.execution.run({ owner: 'tests' }))).toMatchObject({ code: 'CAPACITY_ERROR', retryable: true });
    // The chaos vocabulary has no operation for DescribeAvailabilityZones: the auth probe is untouched.
    await expect(bed.probes.auth.run({ owner: 'tests' })).resolves.toContain('EC2 answers');
  });

  it('a throttled RunInstances is RATE_LIMIT_ERROR', async () => {
    const bed = await open({ throttle: { bucket: 1, refillPerSecond: 0.0001 } });
    await bed.probes.auth.run({ owner: 'tests' });
    expect(await failureOf(bed.probes.execution.run({ owner: 'tests' }))).toMatchObject({ code: 'RATE_LIMIT_ERROR' });
  });

  it('an endpoint that never answers is cut by the signal: the probe rejects with its reason, at once', async () => {
    const bed = await open({ chaos: { seed: 1, faults: [{ operation: 'spawn', effect: 'timeout' }] } });
    const reason = new Error('probe deadline');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 100);
    const startedAt = Date.now();
    expect(await failureOf(bed.probes.execution.run({ owner: 'tests', signal: controller.signal }))).toBe(reason);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('other refusals surface as the error table says (no default VPC and no subnets configured: INVALID_SPEC)', async () => {
    const bed = await open({ defaultVpc: false });
    const error = await failureOf(bed.probes.execution.run({ owner: 'tests' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'INVALID_SPEC', message: expect.stringContaining('VPCIdNotSpecified') });
  });
});
