import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
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
  private readonly collections = new Map<string, Map<string, unknown>>();
  private lines = 0;

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) this.replay(readFileSync(path, 'utf8'));
    const live = [...this.collections.values()].reduce((sum, records) => sum + records.size, 0);
    if (this.lines > 2 * live + 1000) this.compact();
  }

  records(collection: string): ReadonlyMap<string, unknown> {
    return this.collection(collection);
  }

  put(collection: string, key: string, value: unknown): void {
    this.collection(collection).set(key, value);
    this.append({ c: collection, k: key, v: value });
  }

  delete(collection: string, key: string): void {
    if (!this.collection(collection).delete(key)) return;
    this.append({ c: collection, k: key });
  }

  private collection(name: string): Map<string, unknown> {
    let records = this.collections.get(name);
    if (!records) {
      records = new Map();
      this.collections.set(name, records);
    }
    return records;
  }

  private append(entry: JournalEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
    this.lines += 1;
  }

  private replay(text: string): void {
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        // A line cut short by a crash mid-write: everything before it is intact, skip it.
        continue;
      }
      this.lines += 1;
      if (entry.v === undefined) this.collection(entry.c).delete(entry.k);
      else this.collection(entry.c).set(entry.k, entry.v);
    }
  }

  private compact(): void {
    const temporary = `${this.path}.compact`;
    const fd = openSync(temporary, 'w');
    let lines = 0;
    for (const [collection, records] of this.collections) {
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
