import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './benchmark.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

/** `HANGAR_CONFIG` contents: fast reconciliation and fast fake machines, so the API is what gets measured. */
export type HangarBenchConfig = Record<string, unknown>;

/**
 * `src/main.ts` as its own process on a fresh data dir and a free port. The temp dir and the
 * process are handed to `ctx.defer`, so they go away however the benchmark ends.
 */
export async function startControlPlaneProcess(ctx: BenchContext, config: HangarBenchConfig): Promise<ServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-bench-'));
  ctx.defer(() => rm(dir, { recursive: true, force: true }));
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
  return server;
}
