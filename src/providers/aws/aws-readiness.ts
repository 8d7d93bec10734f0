import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { ProviderError, type ReadinessConfigCheck, type ReadinessProbe, type ReadinessProbes } from '../../contracts/index.js';
import { abortReason } from '../../lib/abortable-wait.js';
import type { AwsConfig } from './aws-config.js';
import type { DryRunProbe } from './dry-run-probe.js';
import { type Ec2Clients, runAbortable, sendOptions } from './ec2-clients.js';
import { ec2Error, vendorDetail } from './ec2-errors.js';

/** The variables the SDK's default chain reads (the readiness check reads the same ones, never their values' meaning beyond presence). */
export type AwsCredentialEnv = Readonly<Record<string, string | undefined>>;

/** What `configured` reports when no local source of credentials is found. */
export const NO_AWS_CREDENTIALS =
  'AWS credentials (none of: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY; AWS_PROFILE or the default profile in the shared config / credentials files; AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN; AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI; on EC2 with an instance role set providers.aws.instanceRole: true)';

export interface AwsReadinessOptions {
  readonly config: AwsConfig;
  readonly clients: Ec2Clients;
  /** The registration's `dry-run-probe` workflow: the execution probe runs it as it is. */
  readonly dryRun: DryRunProbe;
  /** Credentials handed to the registration (tests, harnesses): a local source, whatever the environment says. */
  readonly explicitCredentials: boolean;
  /** Where the SDK's variables are read; default `process.env`, which is what the SDK itself reads. */
  readonly env?: AwsCredentialEnv;
}

/**
 * The AWS readiness probes.
 *
 * - `configured`: the config section parsed (regions present) and a local source of credentials
 *   exists, found the way the SDK's default chain would look, without a network call: explicit
 *   credentials, AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (skipped when AWS_PROFILE is set, as the
 *   SDK skips them), a profile with credentials in the shared config / credentials files (static keys,
 *   a role, SSO, credential_process, a web identity file), AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN,
 *   the container credential variables. The instance role (IMDS) is never called: a deployment that
 *   relies on it says so with `providers.aws.instanceRole: true` (unless AWS_EC2_METADATA_DISABLED
 *   forbids the SDK to reach it); without the flag and without a local source the check names what is
 *   missing. Values are never read into a message, only names.
 * - `auth`: DescribeAvailabilityZones in the first configured region, the cheapest signed call.
 * - `execution`: the `dry-run-probe` workflow (RunInstances with DryRun): DryRunOperation passes,
 *   UnauthorizedOperation fails with AUTH_ERROR, any other refusal with the error table's code.
 */
export function createAwsReadiness(options: AwsReadinessOptions): ReadinessProbes {
  const { clients, config } = options;
  const region = clients.regions[0] ?? config.regions[0] ?? 'us-east-1';
  const env = options.env ?? process.env;

  const auth: ReadinessProbe = {
    description: `EC2 DescribeAvailabilityZones in ${region}`,
    costUsd: 0,
    run: ({ signal }) =>
      runAbortable(signal, async () => {
        try {
          const answer = await clients.of(region).send(new DescribeAvailabilityZonesCommand({}), sendOptions(signal));
          const zones = (answer.AvailabilityZones ?? []).filter((zone) => zone.State === 'available').flatMap((zone) => (zone.ZoneName === undefined ? [] : [zone.ZoneName]));
          return `EC2 answers in ${region}: ${zones.length} availability zone${zones.length === 1 ? '' : 's'} available${zones.length > 0 ? ` (${zones.join(', ')})` : ''}`;
        } catch (error) {
          if (signal?.aborted === true) throw abortReason(signal);
          throw ec2Error('DescribeAvailabilityZones', region, error);
        }
      }),
  };

  const execution: ReadinessProbe = {
    description: `EC2 RunInstances with DryRun (t3.micro in ${region}; nothing is launched)`,
    costUsd: 0,
    async run({ signal }) {
      // The workflow itself, as the registration lists it: the same subnet choice, image and key pair as a real launch.
      const result = await options.dryRun.run({ region }, signal === undefined ? undefined : { signal });
      const where = `${result.instanceType} in ${result.region}${result.subnetId === null ? '' : ` (subnet ${result.subnetId})`}`;
      if (result.wouldSucceed) return `DryRunOperation: these credentials may launch ${where}; nothing was launched`;
      if (result.ec2Code === 'UnauthorizedOperation') {
        throw new ProviderError({
          code: 'AUTH_ERROR',
          provider: 'aws',
          message: `aws: RunInstances (DryRun) in ${result.region}: the credentials may not launch ${where} (UnauthorizedOperation: ${vendorDetail(result.message)})`,
        });
      }
      // The endpoint answered a dry run with success: it ignores DryRun and may have launched. Not a taxonomy code: someone must look.
      throw new Error(`aws: RunInstances (DryRun) in ${result.region}: ${result.ec2Code}: ${vendorDetail(result.message)}`);
    },
  };

  return {
    configured: () => awsConfigured(config, env, options.explicitCredentials),
    auth,
    execution,
  };
}

/** `configured` on its own (local only, synchronous): see `createAwsReadiness`. */
export function awsConfigured(config: Pick<AwsConfig, 'regions' | 'instanceRole'>, env: AwsCredentialEnv, explicitCredentials: boolean): ReadinessConfigCheck {
  const missing: string[] = [];
  if (config.regions.length === 0) missing.push('providers.aws.regions');
  const credentials = localCredentialSource(env, explicitCredentials, config.instanceRole === true);
  if (credentials.source === null) missing.push(...(credentials.unusable.length > 0 ? credentials.unusable : [NO_AWS_CREDENTIALS]));
  return { ok: missing.length === 0, missing };
}

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * The first local source the SDK's default chain would take credentials from (by name), or null with
 * what was set but cannot work. Reads the shared files' section and key names only.
 */
export function localCredentialSource(env: AwsCredentialEnv, explicitCredentials: boolean, instanceRole: boolean): { source: string | null; unusable: string[] } {
  const unusable: string[] = [];
  if (explicitCredentials) return { source: 'credentials given to the registration', unusable };
  const profile = set(env.AWS_PROFILE) ? env.AWS_PROFILE : undefined;
  // The SDK skips the environment's keys when a profile is named (it warns, and takes the profile).
  if (profile === undefined && set(env.AWS_ACCESS_KEY_ID) && set(env.AWS_SECRET_ACCESS_KEY)) return { source: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY', unusable };

  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  const credentialsFile = set(env.AWS_SHARED_CREDENTIALS_FILE) ? env.AWS_SHARED_CREDENTIALS_FILE : join(home, '.aws', 'credentials');
  const configFile = set(env.AWS_CONFIG_FILE) ? env.AWS_CONFIG_FILE : join(home, '.aws', 'config');
  const name = profile ?? 'default';
  const sections = [
    ...profileSections(credentialsFile, (section) => section === name),
    ...profileSections(configFile, (section) => section === `profile ${name}` || (name === 'default' && section === 'default')),
  ];
  if (sections.some(hasCredentials)) return { source: `profile "${name}" in the shared config / credentials files`, unusable };
  if (profile !== undefined) {
    unusable.push(
      sections.length === 0
        ? `AWS_PROFILE (no profile "${profile}" in ${credentialsFile} or ${configFile})`
        : `AWS_PROFILE (profile "${profile}" names no credentials: no keys, role, SSO or credential_process)`,
    );
  }

  if (set(env.AWS_WEB_IDENTITY_TOKEN_FILE)) {
    if (!isFile(env.AWS_WEB_IDENTITY_TOKEN_FILE)) unusable.push('AWS_WEB_IDENTITY_TOKEN_FILE (no such file)');
    else if (!set(env.AWS_ROLE_ARN)) unusable.push('AWS_ROLE_ARN (AWS_WEB_IDENTITY_TOKEN_FILE needs it)');
    else return { source: 'AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN', unusable };
  }
  if (set(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) || set(env.AWS_CONTAINER_CREDENTIALS_FULL_URI)) {
    return { source: 'the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_*)', unusable };
  }
  if (instanceRole) {
    // The SDK's last link; it is never called here (no IMDS, no network), only declared. The auth probe proves it.
    if (set(env.AWS_EC2_METADATA_DISABLED) && env.AWS_EC2_METADATA_DISABLED !== 'false') {
      unusable.push('AWS_EC2_METADATA_DISABLED (set: the SDK will not ask the instance role that providers.aws.instanceRole declares)');
    } else {
      return { source: 'the EC2 instance role (providers.aws.instanceRole; not checked locally)', unusable };
    }
  }
  return { source: null, unusable };
}

/** Keys that make a profile a source of credentials (static keys, an assumed role, SSO, a process, a web identity). */
const CREDENTIAL_KEYS = ['aws_access_key_id', 'role_arn', 'sso_session', 'sso_start_url', 'credential_process', 'web_identity_token_file'];

function hasCredentials(keys: ReadonlySet<string>): boolean {
  if (keys.has('aws_access_key_id') && !keys.has('aws_secret_access_key')) return false;
  return CREDENTIAL_KEYS.some((key) => keys.has(key));
}

/** The key names of every matching `[section]` of an INI file (none when the file cannot be read). Values are never kept. */
function profileSections(path: string, matches: (section: string) => boolean): Set<string>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const found: Set<string>[] = [];
  let current: Set<string> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header?.[1] !== undefined) {
      current = matches(header[1].replace(/\s+/g, ' ')) ? new Set() : null;
      if (current !== null) found.push(current);
      continue;
    }
    const key = /^([A-Za-z0-9_.-]+)\s*=/.exec(line)?.[1];
    if (current !== null && key !== undefined) current.add(key.toLowerCase());
  }
  return found;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
