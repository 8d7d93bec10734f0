import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError } from './control-plane/api-error.js';
import { LOG_LEVELS, type LogLevel, createLogger } from './control-plane/logger.js';
import { DEFAULT_SOURCE_ROOT, ScaffoldService } from './control-plane/governance/scaffold-service.js';

const USAGE =
  "usage: npm run scaffold -- --vendor <name> [--capability compute] [--config '{\"baseUrl\":\"...\"}'] [--map] [--dry-run] [--root <checkout>] [--data-dir <dir>]";

/** A one-line refusal of the command line: exit 2. */
class UsageError extends Error {}

function requestFrom(argv: readonly string[]): { request: Record<string, unknown>; dryRun: boolean; root: string; dataDir: string | undefined } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        vendor: { type: 'string' },
        capability: { type: 'string', default: 'compute' },
        config: { type: 'string' },
        map: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        root: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}; ${USAGE}`);
  }
  if (values.help) throw new UsageError(USAGE);
  if (values.vendor === undefined) throw new UsageError(`--vendor is required; ${USAGE}`);
  let config: unknown;
  if (values.config !== undefined) {
    try {
      config = JSON.parse(values.config);
    } catch (error) {
      throw new UsageError(`--config is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    request: { capability: values.capability, vendor: values.vendor, ...(config !== undefined && { config }), map: values.map },
    dryRun: values['dry-run'],
    root: resolve(values.root ?? DEFAULT_SOURCE_ROOT),
    dataDir: values['data-dir'],
  };
}

/**
 * `npm run scaffold -- --vendor acme [...]`: the provider scaffold (docs/governance.md) in-process, no
 * server: the same ScaffoldService as `POST /self/providers/scaffold`. Prints the answer as JSON; exit 0
 * on success, 2 with one line on stderr for a refused request (bad flags, a bad vendor or config, an
 * existing kind, no source checkout), 1 for anything else. `--dry-run` (or CI=true) writes and runs
 * nothing. The report goes under `--data-dir`, else HANGAR_DATA_DIR, else `<root>/data`.
 */
async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof requestFrom>;
  try {
    parsed = requestFrom(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`scaffold: ${error.message}\n`);
    return 2;
  }
  const level = (LOG_LEVELS as readonly string[]).includes(process.env.HANGAR_LOG_LEVEL ?? '') ? (process.env.HANGAR_LOG_LEVEL as LogLevel) : 'warn';
  const service = new ScaffoldService({
    sourceRoot: parsed.root,
    dataDir: resolve(parsed.dataDir ?? (process.env.HANGAR_DATA_DIR || join(parsed.root, 'data'))),
    // stdout carries the answer; log lines go to stderr.
    logger: createLogger(level, (line) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`)),
    env: process.env,
  });
  try {
    const answer = await service.scaffold(parsed.request, process.env, { dryRun: parsed.dryRun });
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      process.stderr.write(`scaffold: ${error.code}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`scaffold: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
