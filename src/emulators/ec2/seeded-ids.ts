import { SeededRandom } from '../../chaos/seeded-random.js';

/** Deterministic resource ids and hash-derived numbers, so a seed replays the same cloud. */
export class SeededIds {
  private readonly random: SeededRandom;

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  /** `prefix-` plus 17 lowercase hex digits, the long EC2 id format (`i-`, `r-`, `vol-`, `snap-`). */
  resourceId(prefix: string, length = 17): string {
    let hex = '';
    while (hex.length < length) hex += Math.floor(this.next() * 0x10000).toString(16).padStart(4, '0');
    return `${prefix}-${hex.slice(0, length)}`;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.random.next();
  }
}

/** A float in [0, 1) that depends only on `key` (FNV-1a then one mulberry32 round). */
export function hashToUnit(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return new SeededIds(hash).next();
}

/** `count` lowercase hex digits that depend only on `key`. */
export function hashToHex(key: string, count: number): string {
  let hex = '';
  for (let round = 0; hex.length < count; round += 1) {
    hex += Math.floor(hashToUnit(`${key}#${round}`) * 0x10000).toString(16).padStart(4, '0');
  }
  return hex.slice(0, count);
}
