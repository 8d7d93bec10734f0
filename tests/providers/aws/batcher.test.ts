import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../src/providers/aws/batcher.js';

function recordingBatcher(options: { maxItems?: number; failOn?: string } = {}) {
  const batches: string[][] = [];
  const singles: string[] = [];
  const batcher = new Batcher<string, string | null>({
    windowMs: 20,
    maxItems: options.maxItems ?? 500,
    run: async (keys) => {
      batches.push(keys);
      if (options.failOn !== undefined && keys.includes(options.failOn)) throw new Error(`unknown ${options.failOn}`);
      return new Map(keys.filter((key) => key !== 'absent').map((key) => [key, key.toUpperCase()]));
    },
    runOne: async (key) => {
      singles.push(key);
      if (key === options.failOn) throw new Error(`unknown ${key}`);
      return key === 'absent' ? null : key.toUpperCase();
    },
  });
  return { batcher, batches, singles };
}

describe('batcher', () => {
  it('sends concurrent keys in one call, once per distinct key', async () => {
    const { batcher, batches, singles } = recordingBatcher();
    const answers = await Promise.all(['a', 'b', 'a', 'c'].map((key) => batcher.add(key)));
    expect(answers).toEqual(['A', 'B', 'A', 'C']);
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(singles).toEqual([]);
  });

  it('sends a full batch at once and starts the next', async () => {
    const { batcher, batches } = recordingBatcher({ maxItems: 2 });
    await Promise.all(['a', 'b', 'c'].map((key) => batcher.add(key)));
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('falls back to one call per key when the batch fails, failing only the bad key', async () => {
    const { batcher, singles } = recordingBatcher({ failOn: 'bad' });
    const results = await Promise.allSettled(['a', 'bad', 'b'].map((key) => batcher.add(key)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(singles.sort()).toEqual(['a', 'b', 'bad']);
  });

  it('asks a key the batch did not answer alone', async () => {
    const { batcher, singles } = recordingBatcher();
    expect(await Promise.all([batcher.add('a'), batcher.add('absent')])).toEqual(['A', null]);
    expect(singles).toEqual(['absent']);
  });
});
