import { sha256Hex } from '../contracts/index.js';

/** JSON with object keys sorted at every depth, so equal values always serialize alike; `indent` spaces per level when given. */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, inner: unknown) => {
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
      return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },
    indent,
  );
}

export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
