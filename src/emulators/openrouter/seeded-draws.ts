import { createHash } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A stream of draws from SHA-256 of a seed and some text (the request): the same inputs give the
 * same draws on every run and machine, and a different prompt gives different ones.
 */
export class SeededDraws {
  private block = 0;
  private bytes: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly key: string) {}

  static of(seed: number, ...parts: string[]): SeededDraws {
    return new SeededDraws(`${seed}\u0000${parts.join('\u0000')}`);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (this.offset + 4 > this.bytes.length) {
      this.bytes = createHash('sha256').update(`${this.key}\u0000${this.block}`).digest();
      this.block += 1;
      this.offset = 0;
    }
    const value = this.bytes.readUInt32BE(this.offset);
    this.offset += 4;
    return value % Math.max(1, n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `length` letters and digits, as OpenRouter's generation ids carry. */
  token(length: number): string {
    let text = '';
    for (let index = 0; index < length; index += 1) text += ALPHANUMERIC[this.int(ALPHANUMERIC.length)];
    return text;
  }
}
