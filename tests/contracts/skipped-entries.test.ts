import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { idField, readEach, SkippedEntryLog } from '../../src/contracts/index.js';

describe('SkippedEntryLog', () => {
  it('names, counts and orders skipped entries; since(mark) holds only what was skipped after the mark, whatever the provider’s clock', () => {
    // A provider on an injected clock years behind the wall clock (as the AWS test bed runs).
    let clock = Date.UTC(2025, 0, 1);
    const log = new SkippedEntryLog(() => clock);
    const schema = z.object({ id: z.string(), memoryGiB: z.number() });
    const read = () => readEach(schema, [{ id: 'a', memoryGiB: 1 }, { id: 'b', memoryGiB: null }, { id: 'c' }], { kind: 'instance-type', log, idOf: idField('id') });
    expect(read().map((entry) => entry.id)).toEqual(['a']);
    const mark = log.mark();
    expect(log.since('instance-type', mark)).toEqual([]);
    clock += 1_000;
    read();
    expect(log.since('instance-type', mark).map((entry) => [entry.id, entry.count])).toEqual([
      ['c', 2],
      ['b', 2],
    ]);
    expect(log.since('instance', 0)).toEqual([]);
    expect(log.report()).toMatchObject({ total: 4, byKind: { 'instance-type': 4 } });
    expect(log.report().entries[0]).toMatchObject({ id: 'c', reason: expect.stringContaining('memoryGiB'), firstSeenAt: '2025-01-01T00:00:00.000Z', lastSeenAt: '2025-01-01T00:00:01.000Z' });
  });
});
