import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * `<prefix>-<ulid>`: 48 bits of millisecond time then 80 random bits, in Crockford base32, so ids
 * sort by creation time (cursor pagination orders by id).
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let remaining = now;
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD[remaining % 32] + time;
    remaining = Math.floor(remaining / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i += 1) random += CROCKFORD[(bytes[i] ?? 0) % 32];
  return `${prefix}-${time}${random}`;
}
