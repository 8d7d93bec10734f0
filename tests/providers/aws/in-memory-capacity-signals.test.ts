import { describe, expect, it } from 'vitest';
import {
  type CapacityQuery,
  type CapacitySignal,
  DEFAULT_CAPACITY_SIGNAL_TTL_MS,
  DEFAULT_QUOTA_SIGNAL_TTL_MS,
  InMemoryCapacitySignals,
  SwitchableCapacitySignals,
} from '../../../src/contracts/index.js';

/** The AWS provider's capacity signals when no control plane binds its cache (provider tests, harnesses). */

const offering: CapacityQuery = { region: 'us-east-1', zone: 'us-east-1a', instanceType: 'g5.xlarge', market: 'on-demand' };
const refusal: CapacitySignal = { ...offering, code: 'CAPACITY_ERROR', message: 'InsufficientInstanceCapacity' };

function onClock(options: { ttlMs?: number; quotaTtlMs?: number } = {}): { signals: InMemoryCapacitySignals; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { signals: new InMemoryCapacitySignals({ now: () => clock.now, ...options }), clock };
}

describe('InMemoryCapacitySignals', () => {
  it('blocks a reported offering for three minutes by default, then forgets it', () => {
    const { signals, clock } = onClock();
    expect(signals.isBlocked(offering)).toBe(false);
    signals.report(refusal);
    expect(signals.isBlocked(offering)).toBe(true);
    expect(signals.blockOf(offering)).toEqual({ code: 'CAPACITY_ERROR', message: 'InsufficientInstanceCapacity', until: new Date(1_000_000 + DEFAULT_CAPACITY_SIGNAL_TTL_MS).toISOString() });
    clock.now += DEFAULT_CAPACITY_SIGNAL_TTL_MS - 1;
    expect(signals.isBlocked(offering)).toBe(true);
    clock.now += 1;
    expect(signals.isBlocked(offering)).toBe(false);
    expect(signals.entries()).toEqual([]);
    expect(DEFAULT_CAPACITY_SIGNAL_TTL_MS).toBe(180_000);
  });

  it('keys on every part of the offering; null fields of a report cover any value', () => {
    const { signals } = onClock();
    signals.report(refusal);
    expect(signals.isBlocked({ ...offering })).toBe(true);
    expect(signals.isBlocked({ ...offering, market: 'spot' })).toBe(false);
    expect(signals.isBlocked({ ...offering, zone: 'us-east-1b' })).toBe(false);
    expect(signals.isBlocked({ ...offering, region: 'us-west-2' })).toBe(false);
    expect(signals.isBlocked({ ...offering, instanceType: 'm5.large' })).toBe(false);
    signals.report({ ...refusal, zone: 'us-east-1b', market: null, message: 'both markets' });
    expect(signals.isBlocked({ ...offering, zone: 'us-east-1b', market: 'spot' })).toBe(true);
    expect(signals.isBlocked({ ...offering, zone: 'us-east-1b', instanceType: 'm5.large' })).toBe(false);
  });

  it('scopes a quota to the region (every zone and type of its market) for 30 minutes', () => {
    const { signals, clock } = onClock();
    signals.report({ ...refusal, code: 'QUOTA_EXCEEDED', message: 'vCPU limit' });
    expect(signals.entries()).toEqual([
      { region: 'us-east-1', zone: null, instanceType: null, market: 'on-demand', code: 'QUOTA_EXCEEDED', message: 'vCPU limit', reportedAt: 1_000_000, expiresAt: 1_000_000 + DEFAULT_QUOTA_SIGNAL_TTL_MS },
    ]);
    expect(signals.isBlocked({ ...offering, zone: 'us-east-1c', instanceType: 'p5.48xlarge' })).toBe(true);
    expect(signals.isBlocked({ ...offering, market: 'spot' })).toBe(false);
    clock.now += DEFAULT_QUOTA_SIGNAL_TTL_MS;
    expect(signals.isBlocked(offering)).toBe(false);
  });

  it('restarts the TTL on a repeat and keeps the latest message; of several blocks, says the one lapsing last', () => {
    const { signals, clock } = onClock({ ttlMs: 10_000 });
    signals.report({ ...refusal, message: 'first' });
    clock.now += 8_000;
    signals.report({ ...refusal, message: 'second' });
    clock.now += 8_000;
    expect(signals.entries()).toEqual([{ ...refusal, message: 'second', reportedAt: 1_008_000, expiresAt: 1_018_000 }]);
    signals.report({ ...refusal, zone: null, message: 'region-wide, later' });
    expect(signals.blockOf(offering)?.message).toBe('region-wide, later');
  });

  it('keeps a copy of the signal, so a caller mutating its object changes nothing', () => {
    const { signals } = onClock();
    const mutable = { ...refusal };
    signals.report(mutable);
    mutable.zone = 'us-east-1c';
    expect(signals.entries()[0]?.zone).toBe('us-east-1a');
  });
});

describe('SwitchableCapacitySignals', () => {
  it('forwards to the in-memory default until bound, then only to the bound port', () => {
    const fallback = new InMemoryCapacitySignals();
    const switchable = new SwitchableCapacitySignals(fallback);
    switchable.report(refusal);
    expect(switchable.isBlocked(offering)).toBe(true);
    const bound = new InMemoryCapacitySignals();
    switchable.bind(bound);
    expect(switchable.current).toBe(bound);
    expect(switchable.isBlocked(offering)).toBe(false);
    switchable.report({ ...refusal, zone: 'us-east-1b' });
    expect(bound.entries().map((entry) => entry.zone)).toEqual(['us-east-1b']);
    expect(fallback.entries().map((entry) => entry.zone)).toEqual(['us-east-1a']);
  });
});
