import { describe, expect, it } from 'vitest';
import { newId } from '../../src/control-plane/ids.js';

describe('newId', () => {
  it('is strictly increasing within one millisecond, so id order is creation order', () => {
    const ids = Array.from({ length: 2000 }, () => newId('i', 1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^i-[0-9a-z]{26}$/);
  });

  it('stays increasing when the clock steps back', () => {
    const later = newId('i', 1_900_000_000_000);
    const earlier = newId('i', 1_899_999_999_000);
    expect(earlier > later).toBe(true);
  });
});
