import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { dirname } from 'node:path';

interface JournalEntry {
  /** collection */
  c: string;
  /** key */
  k: string;
  /** value; absent for a delete */
  v?: unknown;
}

/**
 * An append-only JSON-lines journal of keyed records in named collections. Every change is one
 * appended line (no rewrite of the whole state), so thousands of machines stay cheap; the state
 * survives a SIGKILL of the process because each line reaches the OS before the call returns.
 * On open the journal is replayed (last write wins) and compacted when it is mostly history.
 */
export class JournalFile {
  /** What replay found, until its owner takes it: the journal itself keeps only keys, not values. */
  private replayed = new Map<string, Map<string, unknown>>();
  private readonly keys = new Map<string, Set<string>>();
  private lines = 0;

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) this.replay();
    const live = [...this.replayed.values()].reduce((sum, records) => sum + records.size, 0);
    if (this.lines > 2 * live + 1000) this.compact();
    for (const [collection, records] of this.replayed) this.keys.set(collection, new Set(records.keys()));
  }

  /** The records of a collection as replayed at open, handed over once. */
  takeRecords(collection: string): Map<string, unknown> {
    const records = this.replayed.get(collection) ?? new Map<string, unknown>();
    this.replayed.delete(collection);
    return records;
  }

  put(collection: string, key: string, value: unknown): void {
    this.keysOf(collection).add(key);
    this.append({ c: collection, k: key, v: value });
  }

  delete(collection: string, key: string): void {
    if (!this.keysOf(collection).delete(key)) return;
    this.append({ c: collection, k: key });
  }

  private keysOf(collection: string): Set<string> {
    let keys = this.keys.get(collection);
    if (!keys) {
      keys = new Set();
      this.keys.set(collection, keys);
    }
    return keys;
  }

  private replayedCollection(name: string): Map<string, unknown> {
    let records = this.replayed.get(name);
    if (!records) {
      records = new Map();
      this.replayed.set(name, records);
    }
    return records;
  }

  private append(entry: JournalEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
    this.lines += 1;
  }

  /** Reads the journal in chunks, line by line, so replaying a large one never holds the whole file as text. */
  private replay(): void {
    const fd = openSync(this.path, 'r');
    const buffer = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    try {
      for (;;) {
        const read = readSync(fd, buffer, 0, buffer.length, null);
        if (read === 0) break;
        const lines = (pending + decoder.write(buffer.subarray(0, read))).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) this.replayLine(line);
      }
      this.replayLine(pending + decoder.end());
    } finally {
      closeSync(fd);
    }
  }

  private replayLine(line: string): void {
    if (line.length === 0) return;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      // A line cut short by a crash mid-write: everything before it is intact, skip it.
      return;
    }
    this.lines += 1;
    if (entry.v === undefined) this.replayedCollection(entry.c).delete(entry.k);
    else this.replayedCollection(entry.c).set(entry.k, entry.v);
  }

  private compact(): void {
    const temporary = `${this.path}.compact`;
    const fd = openSync(temporary, 'w');
    let lines = 0;
    for (const [collection, records] of this.replayed) {
      for (const [key, value] of records) {
        writeSync(fd, `${JSON.stringify({ c: collection, k: key, v: value })}\n`);
        lines += 1;
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, this.path);
    this.lines = lines;
  }
}
