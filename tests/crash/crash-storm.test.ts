import { describe, expect, it } from 'vitest';
import { runCrashStorm } from '../support/crash-storm.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('the crash test', () => {
  it('loses and leaks nothing across 10+ SIGKILLs during a storm of 200+ operations under chaos', async () => {
    const dir = makeTempDir('crash-storm');
    try {
      const result = await runCrashStorm({ dataDir: dir.path, seed: 2026, operations: 240, kills: 12, concurrency: 4 });
      process.stdout.write(
        `crash storm: ${result.operations} operations, ${result.kills} SIGKILLs, ${result.spawnsAccepted} spawns and ` +
          `${result.terminatesAccepted} terminates accepted, ${result.rows} rows, ${result.machines} machines, settled in ${result.settleMs} ms\n` +
          `  healed: ${JSON.stringify(result.healed)}\n` +
          `  leaked machines: ${result.leaked}\n  silently lost rows: ${result.silentlyLost}\n` +
          `  idempotency keys with two machines: ${result.keysWithTwoMachines}\n  terminated but still present: ${result.terminatedButPresent}\n`,
      );
      expect(result.kills).toBeGreaterThanOrEqual(10);
      expect(result.operations).toBeGreaterThanOrEqual(200);
      expect(result.spawnsAccepted).toBeGreaterThan(50);
      // The storm must have exercised the healing paths, or the invariants prove little.
      expect(result.healed.adopted + result.healed.orphansCollected).toBeGreaterThan(0);
      expect({
        leaked: result.leaked,
        silentlyLost: result.silentlyLost,
        keysWithTwoMachines: result.keysWithTwoMachines,
        terminatedButPresent: result.terminatedButPresent,
      }).toEqual({ leaked: 0, silentlyLost: 0, keysWithTwoMachines: 0, terminatedButPresent: 0 });
    } finally {
      dir.remove();
    }
  }, 240_000);
});
