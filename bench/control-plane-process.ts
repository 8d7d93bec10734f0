import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './benchmark.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

/** `HANGAR_CONFIG` contents: fast reconciliation and fast fake machines, so the API is what gets measured. */
export type HangarBenchConfig = Record<string, unknown>;

/**
 * `src/main.ts` as its own process on a free port, on a fresh data dir or (to restart with another
 * config) on the data dir of an earlier one. The temp dir and the process are handed to
 * `ctx.defer`, so they go away however the benchmark ends.
 */
export async function startControlPlaneProcess(
  ctx: BenchContext,
  config: HangarBenchConfig,
  reuseDir?: string,
): Promise<ServerProcess & { dir: string }> {
  const dir = reuseDir ?? (await mkdtemp(join(tmpdir(), 'hangar-bench-')));
  if (reuseDir === undefined) ctx.defer(() => rm(dir, { recursive: true, force: true }));
  const configPath = join(dir, 'hangar.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const server = await startServerProcess({
    name: 'control plane',
    entry: 'src/main.ts',
    env: {
      HANGAR_DATA_DIR: join(dir, 'data'),
      HANGAR_CONFIG: configPath,
      HOST: '127.0.0.1',
      HANGAR_LOG_LEVEL: 'warn',
    },
  });
  ctx.defer(() => server.stop());
  return Object.assign(server, { dir });
}
