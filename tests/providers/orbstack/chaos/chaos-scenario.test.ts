import { describe, expect, it } from 'vitest';
import { parseChaosScenario } from '../../../../src/chaos/chaos-control.js';
import { CHAOS_PRESETS } from '../../../../src/chaos/chaos-presets.js';

describe('chaos scenario format', () => {
  it('accepts the minimal form as written', () => {
    const parsed = parseChaosScenario({ seed: 42, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', probability: 0.5 }] });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.scenario.faults[0]).toMatchObject({ operation: ['spawn'], effect: 'error', after: 0 });
  });

  it('expands every preset, with a seed', () => {
    for (const preset of Object.keys(CHAOS_PRESETS)) {
      const parsed = parseChaosScenario({ preset, seed: 3 });
      expect(parsed.ok, preset).toBe(true);
    }
  });

  it.each([
    ['no seed', { faults: [] }, 'seed'],
    ['an unknown code', { seed: 1, faults: [{ operation: 'spawn', code: 'EXPLODED' }] }, 'faults.0.code'],
    ['an error without a code', { seed: 1, faults: [{ operation: 'spawn' }] }, 'faults.0.code'],
    ['a probability above 1', { seed: 1, faults: [{ operation: 'get', code: 'NOT_FOUND', probability: 2 }] }, 'faults.0.probability'],
    ['an unknown operation', { seed: 1, faults: [{ operation: 'reboot', code: 'NOT_FOUND' }] }, 'faults.0.operation'],
    ['an unknown key', { seed: 1, faultz: [] }, '(root)'],
    ['retryAfterMs on the wrong code', { seed: 1, faults: [{ operation: 'get', code: 'NOT_FOUND', retryAfterMs: 5 }] }, 'faults.0.retryAfterMs'],
    ['a negative capacity', { seed: 1, capacity: [{ limit: -1 }] }, 'capacity.0.limit'],
    ['an unknown drift kind', { seed: 1, drift: [{ kind: 'explode' }] }, 'drift.0.kind'],
    ['an unknown preset', { preset: 'apocalypse' }, 'preset'],
    ['not an object', 'chaos please', '(root)'],
  ])('rejects %s, naming where', (_label, raw, path) => {
    const parsed = parseChaosScenario(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.map((issue) => issue.path)).toContain(path);
  });
});
