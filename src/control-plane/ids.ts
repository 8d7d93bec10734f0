import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

let lastTime = -1;
let lastRandom: number[] = [];

/** The next value of a base-32 digit array, as if it were one number. */
function increment(digits: number[]): number[] {
  const next = [...digits];
  for (let index = next.length - 1; index >= 0; index -= 1) {
    if ((next[index] ?? 0) < 31) {
      next[index] = (next[index] ?? 0) + 1;
      return next;
    }
    next[index] = 0;
  }
  return next;
}

/**
 * `<prefix>-<ulid>`: 48 bits of millisecond time then 80 random bits, in Crockford base32, so ids
 * sort by creation time (cursor pagination orders by id). Within one millisecond (or if the clock
 * steps back) the random part is incremented instead of drawn, so ids made by this process are
 * strictly increasing, as monotonic ULIDs are.
 */
export function newId(prefix: string, now = Date.now()): string {
  if (now <= lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = now;
    const bytes = randomBytes(16);
    // The top digit starts below 16, so increments within one millisecond have room before they carry out.
    lastRandom = Array.from(bytes, (byte, index) => (index === 0 ? byte % 16 : byte % 32));
  }
  let time = '';
  let remaining = lastTime;
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD[remaining % 32] + time;
    remaining = Math.floor(remaining / 32);
  }
  return `${prefix}-${time}${lastRandom.map((digit) => CROCKFORD[digit]).join('')}`;
}
