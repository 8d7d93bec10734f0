import { describe, expect, it } from 'vitest';
import type { ChaosScenarioInput } from '../../../../src/chaos/chaos-scenario.js';
import { chaosFixture, machineSpec, outcome } from './chaos-fixture.js';

/** Every kind of rule but `timeout` (a call that never answers would stall the script itself). */
const scenario = (seed: number): ChaosScenarioInput => ({
  seed,
  latency: [{ operation: '*', delayMs: 0, jitterMs: 3 }],
  faults: [
    { operation: 'spawn', code: 'CAPACITY_ERROR', probability: 0.2 },
    { operation: 'spawn', effect: 'phantom', probability: 0.1 },
    { operation: ['get', 'list'], code: 'RATE_LIMIT_ERROR', retryAfterMs: 500, probability: 0.1 },
    { operation: 'get', effect: 'malformed', probability: 0.05 },
    { operation: 'terminate', code: 'NOT_FOUND', after: 3, times: 2 },
  ],
  capacity: [{ instanceType: 'orb.medium', zone: 'local-1a', limit: 4 }],
  quotas: { instances: 30 },
  drift: [
    { kind: 'vanish', probability: 0.05 },
    { kind: 'status', probability: 0.05 },
    { kind: 'spec', probability: 0.05 },
    { kind: 'foreign', probability: 0.03 },
  ],
  quirks: { listLagMs: 1500, slowTerminateMs: 2000, slowBoot: { extraMs: 3000, probability: 0.5 } },
  spotInterruptions: { probability: 0.1, noticeMs: 1000 },
});

/** One fixed script of 240 calls; returns the fault log as JSON text. */
async function runScript(seed: number): Promise<string> {
  const fixture = chaosFixture(scenario(seed));
  try {
    for (let step = 0; step < 60; step += 1) {
      fixture.clock.now += 700;
      await outcome(fixture.driver.createMachine(machineSpec(`m${step}`, { spot: step % 3 === 0 })));
      await outcome(fixture.driver.listMachines());
      await outcome(fixture.driver.getMachine(`m${step - 1}`));
      if (step % 4 === 0) await outcome(fixture.driver.deleteMachine(`m${step - 2}`));
      else await outcome(fixture.driver.getMachine(`m${step - 5}`));
    }
    const status = fixture.control.status() as { faults: unknown; counters: unknown };
    return JSON.stringify({ faults: status.faults, counters: status.counters });
  } finally {
    fixture.dir.remove();
  }
}

describe('chaos determinism', () => {
  it('replays the same faults, byte for byte, for the same seed, scenario and calls', async () => {
    const first = await runScript(42);
    const second = await runScript(42);
    expect(second).toBe(first);
    const log = JSON.parse(first) as { faults: { total: number; recent: { effect: string }[] } };
    expect(log.faults.total).toBeGreaterThan(20);
    const effects = new Set(log.faults.recent.map((entry) => entry.effect));
    for (const effect of ['error', 'phantom', 'list-lag', 'slow-boot', 'slow-terminate']) expect(effects).toContain(effect);
  });

  it('gives a different run for a different seed', async () => {
    expect(await runScript(43)).not.toBe(await runScript(42));
  });
});
