import type { RuntimeWarning } from './canonical-types.js';

/**
 * Collects an adapter's warnings once each: the same code and message met in 30 messages is one
 * warning with its count. `TCode` is the adapter's own vocabulary of warning codes.
 */
export class WarningCollector<TCode extends string = string> {
  private readonly byKey = new Map<string, { warning: RuntimeWarning; count: number }>();

  add(code: TCode, message: string): void {
    const key = `${code}\u0000${message}`;
    const seen = this.byKey.get(key);
    if (seen !== undefined) seen.count += 1;
    else this.byKey.set(key, { warning: { code, message }, count: 1 });
  }

  list(): RuntimeWarning[] {
    const out: RuntimeWarning[] = [];
    for (const { warning, count } of this.byKey.values()) out.push(count === 1 ? warning : { code: warning.code, message: `${warning.message} (${count} times)` });
    return out;
  }
}
