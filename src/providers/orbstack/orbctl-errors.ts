import { isProviderErrorCode, ProviderError, type ProviderErrorCode, VendorResponseError } from '../../contracts/index.js';

/** How one `orbctl` call went wrong, before it is given a meaning. */
export type OrbctlFailure =
  /** The process could not be started (`errno`: ENOENT, EACCES, ...). */
  | { kind: 'spawn'; errno: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'signal'; signal: string; stderr: string }
  | { kind: 'exit'; exitCode: number; stderr: string }
  /** It answered, but not with what `-f json` promises. */
  | { kind: 'malformed'; detail: string };

/**
 * Failures no taxonomy code fits. Taxonomy errors tell the control plane "definitely not done",
 * so everything whose outcome is unknown, or which is Hangar's or the host's fault rather than the
 * request's, stays outside it.
 */
export type OrbctlErrorReason =
  | 'not-installed'
  | 'cannot-run'
  | 'timed-out'
  | 'crashed'
  | 'usage'
  | 'orbstack-down'
  | 'name-conflict'
  | 'failed';

export class OrbctlError extends Error {
  constructor(
    readonly reason: OrbctlErrorReason,
    readonly failure: OrbctlFailure,
    message: string,
  ) {
    super(message);
    this.name = 'OrbctlError';
  }
}

export function isOrbctlError(error: unknown, reason: OrbctlErrorReason): error is OrbctlError {
  return error instanceof OrbctlError && error.reason === reason;
}

/** OrbStack documents no error texts; wrappers match these substrings (vendor spec, section D). */
const NOT_FOUND_TEXT = /not found|does not exist|no such machine/i;
const ALREADY_EXISTS_TEXT = /already exists/i;
export const saysNotFound = (stderr: string): boolean => NOT_FOUND_TEXT.test(stderr);
export const saysAlreadyExists = (stderr: string): boolean => ALREADY_EXISTS_TEXT.test(stderr);

export interface OrbctlErrorRow {
  readonly outcome: ProviderErrorCode | OrbctlErrorReason | 'malformed-output';
  readonly explain: string;
  matches(failure: OrbctlFailure, subcommand: string): boolean;
}

const stderrSays =
  (pattern: RegExp, subcommand?: string) =>
  (failure: OrbctlFailure, command: string): boolean =>
    failure.kind === 'exit' && pattern.test(failure.stderr) && (subcommand === undefined || command === subcommand);

/** Every way an `orbctl` call fails, and what it means; the first matching row wins. */
export const ORBCTL_ERROR_TABLE: readonly OrbctlErrorRow[] = [
  {
    outcome: 'not-installed',
    explain: 'orbctl is not installed or not at the configured path: install OrbStack, or set providers.orbstack.orbctl.path',
    matches: (failure) => failure.kind === 'spawn' && failure.errno === 'ENOENT',
  },
  { outcome: 'cannot-run', explain: 'orbctl could not be started', matches: (failure) => failure.kind === 'spawn' },
  // The machine may or may not have been made (the spec's known hang of `create`): the caller must look.
  { outcome: 'timed-out', explain: 'orbctl did not finish in time', matches: (failure) => failure.kind === 'timeout' },
  { outcome: 'crashed', explain: 'orbctl died by a signal', matches: (failure) => failure.kind === 'signal' },
  { outcome: 'malformed-output', explain: 'orbctl printed output Hangar cannot read', matches: (failure) => failure.kind === 'malformed' },
  {
    // Hangar's command line and the installed orbctl disagree (a version difference), not the caller's request.
    outcome: 'usage',
    explain: 'orbctl rejected the command line; the installed orbctl may be a version Hangar does not know',
    matches: stderrSays(/unknown (command|flag|shorthand flag)|flag needs an argument|accepts \d+ arg|requires at least \d+ arg/i),
  },
  {
    // Nothing is wrong with the request, and an OrbStack that comes back may have acted on it.
    outcome: 'orbstack-down',
    explain: 'OrbStack is not running or cannot be reached',
    matches: stderrSays(/orbstack (is )?not running|connection refused|dial unix|failed to connect/i),
  },
  {
    // On create the only thing that can be missing is the image (distro or version).
    outcome: 'INVALID_SPEC',
    explain: 'OrbStack has no such image',
    matches: stderrSays(/not found|unknown distro|unsupported (distro|version|arch)|invalid (image|version|arch)/i, 'create'),
  },
  {
    outcome: 'INVALID_SPEC',
    explain: 'OrbStack rejected the machine name',
    matches: stderrSays(/invalid (machine )?name/i, 'create'),
  },
  { outcome: 'NOT_FOUND', explain: 'no such machine', matches: stderrSays(NOT_FOUND_TEXT) },
  {
    // Reached only when create's look-up by name cannot see the machine either: OrbStack may still
    // be making it (a create that hung), so the outcome is unknown rather than a definite no.
    outcome: 'name-conflict',
    explain: 'OrbStack says the machine name is taken, but cannot show a machine of that name',
    matches: stderrSays(ALREADY_EXISTS_TEXT),
  },
  // The Mac's disk does not free itself as machines come and go, so a retry will not help.
  { outcome: 'QUOTA_EXCEEDED', explain: 'the Mac is out of disk space', matches: stderrSays(/no space left|disk (is )?full/i) },
  // Memory frees up as other machines stop: worth retrying.
  { outcome: 'CAPACITY_ERROR', explain: 'the Mac is out of memory', matches: stderrSays(/cannot allocate memory|out of memory/i) },
  {
    outcome: 'AUTH_ERROR',
    explain: 'orbctl is not allowed to act (permissions of OrbStack’s socket or files)',
    matches: stderrSays(/permission denied|operation not permitted|unauthori[sz]ed/i),
  },
  // Image downloads come from OrbStack's CDN, which may throttle.
  { outcome: 'RATE_LIMIT_ERROR', explain: 'OrbStack is throttling requests', matches: stderrSays(/too many requests|rate limit/i) },
  { outcome: 'failed', explain: 'orbctl failed', matches: () => true },
];

function detail(failure: OrbctlFailure): string {
  switch (failure.kind) {
    case 'spawn':
      return failure.errno;
    case 'timeout':
      return `no answer within ${failure.timeoutMs} ms`;
    case 'signal':
      return `${failure.signal}${failure.stderr.trim() ? `; ${firstLines(failure.stderr)}` : ''}`;
    case 'exit':
      return `exit status ${failure.exitCode}${failure.stderr.trim() ? `: ${firstLines(failure.stderr)}` : ''}`;
    case 'malformed':
      return failure.detail;
  }
}

function firstLines(text: string): string {
  const trimmed = text.trim().split('\n').slice(0, 3).join(' | ');
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
}

/** The error a failed `orbctl` call raises, by the table. */
export function orbctlError(executable: string, args: readonly string[], failure: OrbctlFailure): Error {
  const subcommand = args[0] ?? '';
  const row = ORBCTL_ERROR_TABLE.find((candidate) => candidate.matches(failure, subcommand));
  const outcome = row?.outcome ?? 'failed';
  const message = `${[executable, ...args].join(' ')}: ${row?.explain ?? 'orbctl failed'} (${detail(failure)})`;
  if (outcome === 'malformed-output') return new VendorResponseError('orbstack', `orbstack: ${message}`);
  if (isProviderErrorCode(outcome)) return new ProviderError({ code: outcome, provider: 'orbstack', message });
  return new OrbctlError(outcome, failure, message);
}
