/**
 * A run's id: `prv_` and the start time to the second in UTC with `_` for `-` and `:`
 * (`prv_2026_02_17T00_00_00Z`). The second run to start within the same second gets `_2`, the
 * third `_3`, and so on: ids stay readable, sort by time, and never collide.
 */
export function runIdAt(date: Date, sequence = 1): string {
  const stamp = date.toISOString().slice(0, 19).replace(/[-:]/g, '_');
  return `prv_${stamp}Z${sequence > 1 ? `_${sequence}` : ''}`;
}
