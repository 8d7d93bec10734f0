import { sortKeys } from '../../llm/index.js';

/**
 * The conformance kit's assertions: small, dependency-free, and each failure says what was
 * expected and what came instead. A case fails by throwing; these throw `ConformanceAssertionError`.
 */
export class ConformanceAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceAssertionError';
  }
}

/** A value as a failure message shows it: JSON with sorted keys, errors by name and message, cut at 300 characters. */
export function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  let text: string;
  try {
    text = JSON.stringify(sortKeys(value)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

const prefix = (what: string) => (what.length > 0 ? `${what}: ` : '');

/** `actual === expected` (Object.is). */
export function assertEqual<T>(actual: unknown, expected: T, what = ''): asserts actual is T {
  if (!Object.is(actual, expected)) throw new ConformanceAssertionError(`${prefix(what)}expected ${describeValue(expected)}, got ${describeValue(actual)}`);
}

/** `actual !== unexpected`. */
export function assertNotEqual(actual: unknown, unexpected: unknown, what = ''): void {
  if (Object.is(actual, unexpected)) throw new ConformanceAssertionError(`${prefix(what)}expected anything but ${describeValue(unexpected)}`);
}

/** Plain data equal in structure (JSON-like values; key order does not matter). */
export function assertDeepEqual<T>(actual: unknown, expected: T, what = ''): asserts actual is T {
  if (!deepEqual(actual, expected)) throw new ConformanceAssertionError(`${prefix(what)}expected ${describeValue(expected)}, got ${describeValue(actual)}`);
}

/** Every key of `subset` is in `actual` with an equal value (vitest's toMatchObject, one level of keys). */
export function assertContainsEntries(actual: unknown, subset: Readonly<Record<string, unknown>>, what = ''): void {
  const record = actual !== null && typeof actual === 'object' ? (actual as Record<string, unknown>) : undefined;
  const wrong = Object.entries(subset).filter(([key, value]) => record === undefined || !deepEqual(record[key], value));
  if (wrong.length > 0) throw new ConformanceAssertionError(`${prefix(what)}expected entries ${describeValue(subset)}, got ${describeValue(actual)}`);
}

/** A truthy condition. */
export function assertOk(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceAssertionError(message);
}

/** `text` matches `pattern`. */
export function assertMatch(text: unknown, pattern: RegExp, what = ''): asserts text is string {
  if (typeof text !== 'string' || !pattern.test(text)) throw new ConformanceAssertionError(`${prefix(what)}expected a string matching ${String(pattern)}, got ${describeValue(text)}`);
}

/** `list` holds `item` (deep equality). */
export function assertIncludes(list: readonly unknown[], item: unknown, what = ''): void {
  if (!list.some((candidate) => deepEqual(candidate, item))) throw new ConformanceAssertionError(`${prefix(what)}expected ${describeValue(list)} to include ${describeValue(item)}`);
}

/** `list` does not hold `item` (deep equality). */
export function assertExcludes(list: readonly unknown[], item: unknown, what = ''): void {
  if (list.some((candidate) => deepEqual(candidate, item))) throw new ConformanceAssertionError(`${prefix(what)}expected ${describeValue(list)} not to include ${describeValue(item)}`);
}

/** `value` is an instance of `type`. */
export function assertInstanceOf<T>(value: unknown, type: abstract new (...args: never[]) => T, what = ''): asserts value is T {
  if (!(value instanceof type)) throw new ConformanceAssertionError(`${prefix(what)}expected an instance of ${type.name}, got ${describeValue(value)}`);
}

/** Runs `work` and answers what it threw; fails when it resolves. */
export async function assertRejects(work: () => Promise<unknown>, what = ''): Promise<unknown> {
  let value: unknown;
  try {
    value = await work();
  } catch (error) {
    return error;
  }
  throw new ConformanceAssertionError(`${prefix(what)}expected a rejection, got ${describeValue(value)}`);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((key) => left[key] !== undefined);
  const otherKeys = Object.keys(right).filter((key) => right[key] !== undefined);
  return keys.length === otherKeys.length && keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]));
}
