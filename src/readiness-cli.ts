import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError } from './control-plane/api-error.js';
import { canonicalJson } from './control-plane/canonical-json.js';
import { ConfigError } from './control-plane/config.js';
import { type ControlPlane, createControlPlane } from './control-plane/control-plane.js';
import { createLogger } from './control-plane/logger.js';
import { type RunJson, runById, type StatusAnswer, statusAnswer } from './control-plane/readiness/validation-answers.js';
import { loadRegistrations } from './provider-registrations.js';
import { VALIDATION_MODES, type ValidationMode } from './readiness/validation-result.js';

/**
 * `npm run readiness -- --out <path> [--mode quick|full] [--providers a,b]`: one provider validation
 * run, outside the server. It loads the config as `npm start` does (`loadConfig`, the provider
 * factories), opens the control plane on its data directory (no listener, no schedules), runs one
 * validation (trigger `cli`), writes the evidence artifact (the run, as `GET …/runs/:run_id` answers
 * it, and the status, as `GET …/provider-validation` answers it; keys sorted at every depth, 2-space
 * indent, trailing newline), prints a short summary, and exits:
 *
 * - 0: every required provider is ready after the run;
 * - 1: at least one required provider is not (a provider is ready only after a full run passed);
 * - 2: no validation could run: bad arguments, a config error, an unknown provider, a control plane
 *   that would not open, an artifact that cannot be written. One line on stderr says why.
 *
 * Logs (JSON lines) go to stderr, so stdout holds the summary only.
 */

const USAGE = 'usage: npm run readiness -- --out <path> [--mode quick|full] [--providers a,b]';
const EXIT_READY = 0;
const EXIT_NOT_READY = 1;
const EXIT_USAGE = 2;

/** Anything that stops the CLI before (or instead of) an answer about readiness: exit 2, one line. */
class UsageError extends Error {}

interface CliArgs {
  out: string;
  mode: ValidationMode;
  providers?: string[];
}

function parseCliArgs(argv: string[]): CliArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        mode: { type: 'string', default: 'full' },
        providers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)} (${USAGE})`);
  }
  if (values.help) return 'help';
  if (values.out === undefined || values.out.trim() === '') throw new UsageError(`--out <path> is required (${USAGE})`);
  const mode = values.mode as ValidationMode;
  if (!VALIDATION_MODES.includes(mode)) throw new UsageError(`--mode must be ${VALIDATION_MODES.join(' or ')}, not "${values.mode}"`);
  if (values.providers === undefined) return { out: values.out, mode };
  const providers = values.providers
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (providers.length === 0) throw new UsageError('--providers needs at least one provider name (a,b)');
  return { out: values.out, mode, providers };
}

/** Fails early, before a run that may take a while, when the artifact could not be written. */
function checkWritable(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    accessSync(dirname(path), constants.W_OK);
  } catch (error) {
    throw new UsageError(`--out ${path}: cannot write there (${error instanceof Error ? error.message : String(error)})`);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // Not there yet: it will be created.
  }
  if (isDirectory) throw new UsageError(`--out ${path}: is a directory`);
}

/** The required providers that are not ready, as the status answer says. */
function requiredNotReady(status: StatusAnswer): string[] {
  return status.required_providers.filter((name) => status.providers.find((row) => row.provider === name)?.ready !== true);
}

function summary(run: RunJson, status: StatusAnswer, out: string): string {
  const notReady = requiredNotReady(status);
  const width = Math.max(...status.providers.map((row) => row.provider.length), 8);
  const lines = [`readiness run ${run.run_id} (${run.mode}, ${run.providers.length} provider${run.providers.length === 1 ? '' : 's'} validated)`];
  for (const row of status.providers) {
    const result = run.providers.find((entry) => entry.provider === row.provider);
    const failed = result?.checks.find((check) => check.passed === false);
    const outcome =
      result === undefined ? 'not in this run' : result.passed ? `${result.mode} run passed` : `${result.mode} run failed: ${result.last_error_class ?? 'UNKNOWN_ERROR'}${failed ? ` (${failed.check}: ${failed.detail})` : ''}`;
    // Passing, yet not ready: the execution proof is missing or stale.
    const why = !row.ready && result?.passed === true ? '; ready needs a full run passed within readiness.executionProofTtlMs' : '';
    const required = status.required_providers.includes(row.provider) ? 'required' : 'optional';
    lines.push(`  ${row.provider.padEnd(width)}  ${(row.ready ? 'ready' : 'NOT READY').padEnd(9)}  ${required}  ${outcome}${why}`);
  }
  const required = status.required_providers.length;
  lines.push(
    notReady.length === 0
      ? `all ${required} required provider${required === 1 ? '' : 's'} ready`
      : `${notReady.length} of ${required} required provider${required === 1 ? '' : 's'} not ready: ${notReady.join(', ')}`,
  );
  lines.push(`evidence: ${out}`);
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_READY;
  }
  const out = resolve(args.out);
  checkWritable(out);
  const { settings, registrations } = loadRegistrations(process.env);
  const logger = createLogger(settings.logLevel, (line) => process.stderr.write(line));
  let plane: ControlPlane;
  try {
    // No listener and no schedules: createControlPlane opens the store and runs the providers' onStartup only.
    plane = await createControlPlane({ settings, registrations, logger });
  } catch (error) {
    throw new UsageError(`cannot open the control plane: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const service = plane.ctx.validations;
    let runId: string;
    try {
      runId = (await service.run({ mode: args.mode, trigger: 'cli', ...(args.providers !== undefined && { providers: args.providers }) })).run.runId;
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) {
        const known = Array.isArray(error.details.known) ? ` (known: ${error.details.known.join(', ')})` : '';
        throw new UsageError(`${error.message}${known}`);
      }
      throw error;
    }
    // The same JSON the API answers for this run and for the status: the artifact is the API's evidence.
    const [run, status] = await Promise.all([runById(service, runId), statusAnswer(service)]);
    if (run === null) throw new Error(`run ${runId} was not stored`);
    const notReady = requiredNotReady(status);
    const artifact = { required_ready: notReady.length === 0, required_not_ready: notReady, run, status };
    try {
      writeFileSync(out, `${canonicalJson(artifact, 2)}\n`);
    } catch (error) {
      throw new UsageError(`--out ${out}: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.stdout.write(summary(run, status, out));
    return notReady.length === 0 ? EXIT_READY : EXIT_NOT_READY;
  } finally {
    await plane.close();
  }
}

/** Exits with `code` once the event loop is empty, or after a grace period if a client left a handle open. */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 5_000).unref();
}

main(process.argv.slice(2)).then(finish, (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`hangar readiness: ${error instanceof UsageError || error instanceof ConfigError ? message : `unexpected failure: ${message}`}\n`);
  finish(EXIT_USAGE);
});
