import type { ChaosScenarioInput } from './chaos-scenario.js';

/** Ready-made scenarios, by name (`{"preset": "flaky-api"}`); docs/chaos.md explains each. */
export const CHAOS_PRESETS: Readonly<Record<string, Omit<ChaosScenarioInput, 'seed'>>> = {
  'capacity-crunch': {
    description: 'Large shapes are scarce, spawns often meet CAPACITY_ERROR, and the account holds 40 machines.',
    capacity: [
      { instanceType: 'orb.xlarge', limit: 1 },
      { instanceType: 'orb.large', limit: 3 },
    ],
    quotas: { instances: 40 },
    faults: [{ name: 'scarce', operation: 'spawn', code: 'CAPACITY_ERROR', probability: 0.3 }],
  },
  'flaky-api': {
    description: 'A vendor API having a bad day: throttling, slow answers, timeouts, phantom creates and unreadable bodies.',
    latency: [{ operation: '*', delayMs: 5, jitterMs: 40 }],
    faults: [
      { name: 'throttled', operation: '*', code: 'RATE_LIMIT_ERROR', retryAfterMs: 1000, probability: 0.1 },
      { name: 'phantom-create', operation: 'spawn', effect: 'phantom', probability: 0.05 },
      { name: 'hung-read', operation: ['get', 'list'], effect: 'timeout', probability: 0.02 },
      { name: 'hung-write', operation: ['spawn', 'terminate'], effect: 'timeout', probability: 0.02 },
      { name: 'garbled', operation: ['get', 'list'], effect: 'malformed', probability: 0.05 },
    ],
  },
  'eventual-consistency': {
    description: 'New machines are missing from list for 5 s, terminations linger 5 s, half the machines boot 3 s late.',
    quirks: { listLagMs: 5000, slowTerminateMs: 5000, slowBoot: { extraMs: 3000, probability: 0.5 } },
  },
  'spot-storm': {
    description: 'Spot capacity is scarce and running spot machines get reclaim notices, then are reclaimed 2 s later.',
    faults: [{ name: 'no-spot', operation: 'spawn', spot: true, code: 'CAPACITY_ERROR', probability: 0.3 }],
    spotInterruptions: { probability: 0.2, noticeMs: 2000 },
  },
  'drifting-fleet': {
    description: 'The world changes behind Hangar: machines vanish, stop, change shape, and unknown machines with our marker appear.',
    drift: [
      { kind: 'vanish', probability: 0.05 },
      { kind: 'status', probability: 0.05 },
      { kind: 'spec', probability: 0.05 },
      { kind: 'foreign', probability: 0.02 },
    ],
  },
};
