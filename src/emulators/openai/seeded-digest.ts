import { createHash } from 'node:crypto';

/** A hex digest of the seed and the parts: the emulator's one source of "randomness", so answers replay exactly. */
export function seededDigest(seed: number, ...parts: readonly unknown[]): string {
  const hash = createHash('sha256').update(String(seed));
  for (const part of parts) hash.update('\u0000').update(typeof part === 'string' ? part : JSON.stringify(part) ?? 'undefined');
  return hash.digest('hex');
}

/** A number in [0, n) from a digest. */
export function pickIndex(digest: string, n: number): number {
  return Number.parseInt(digest.slice(0, 8), 16) % n;
}
