/**
 * The field diff of a shadow read: the current adapter and a candidate answer the same read, and this
 * says, field by field, where the two answers disagree. It is pure and deterministic (the same two
 * answers always give the same list in the same order), so a shadow report can be diffed, hashed and
 * compared across runs, and a rollout can count its mismatches without flapping.
 */

/** How a field disagrees: a different value, a field only the current adapter has, or one only the candidate has. */
export type MismatchKind = 'changed' | 'missing_in_candidate' | 'extra_in_candidate';

/**
 * One disagreement. A side that has no value at `path` is the literal `null` there (`kind` says which
 * side is missing, so a real `null` value and an absent field are never confused); an `undefined` value
 * is reported as `null` too, so every mismatch serializes to JSON as it is.
 */
export interface FieldMismatch {
  /**
   * Where, from `$` (the whole answer): `.key` (or `["odd key"]`) is an object field,
   * `[providerId=i-1]` an array element matched by identity (`[instanceType=g5.xlarge,region=us-east-1]`
   * for a combined identity), `[]` an element of an unordered array that has no identity.
   */
  path: string;
  kind: MismatchKind;
  /** The current adapter's value; null when only the candidate has one. */
  current: unknown;
  /** The candidate's value; null when only the current adapter has one. */
  candidate: unknown;
}

/** What the diff leaves out and how it matches array elements. */
export interface DiffOptions {
  /**
   * Keys skipped at every depth. When given it replaces DEFAULT_IGNORED_KEYS (spread the default to add
   * to it). The `*At` timestamp rule (see DEFAULT_IGNORED_KEYS) applies whatever this says.
   */
  ignoreKeys?: readonly string[];
  /**
   * Keys that identify an array element, tried in order (default DEFAULT_IDENTITY_KEYS). An entry may
   * join keys with `+` (`instanceType+region`): the element's identity is then all of them together.
   */
  identityKeys?: readonly string[];
}

/**
 * Keys that differ between two reads of the same state, so a difference in them says nothing about the
 * candidate: when the answer was fetched or observed, the request's id, how long the call took.
 *
 * On top of these, a key ending in `At` (or `_at`) is skipped when BOTH its values are ISO-8601
 * date-time strings: two adapters stamp `createdAt`, `launchedAt`, `updatedAt` from their own clocks
 * and their own rounding, so comparing the instants would flag every read. A `*At` field present on
 * one side only, or one that is not a timestamp on either side, is still compared: `terminatedAt`
 * appearing is a real change. `id` is NOT ignored: an identifier that differs is a different thing.
 */
export const DEFAULT_IGNORED_KEYS: readonly string[] = Object.freeze(['fetchedAt', 'observedAt', 'timestamp', 'requestId', 'latencyMs', 'latency_ms']);

/**
 * How array elements are matched by default, first fit wins: a machine by its `providerId`, then a
 * record by `id`, a model by `model`, an offering by `instanceType` and `region` together, anything else
 * named by `name`. An identity is used only when every element of both arrays has it (as a string,
 * number or boolean) and no two elements of one array share it; otherwise the array is compared as a
 * multiset. Matching by identity makes the order of a list answer not count.
 */
export const DEFAULT_IDENTITY_KEYS: readonly string[] = Object.freeze(['providerId', 'id', 'model', 'instanceType+region', 'name']);

/** Relative tolerance for numbers: two providers computing the same price or ratio may round differently in the last bits. */
const RELATIVE_TOLERANCE = 1e-9;

interface DiffContext {
  readonly ignored: ReadonlySet<string>;
  readonly identities: readonly (readonly string[])[];
  readonly out: FieldMismatch[];
}

/**
 * Deep-compares two answers of the same read and lists every disagreement, sorted by path, then kind
 * (then the values' canonical JSON, so even equal paths come out in one order).
 *
 * - Objects: keys compared in sorted order; a key whose value is `undefined` is absent.
 * - Arrays: matched by identity when one fits (DEFAULT_IDENTITY_KEYS); otherwise compared as multisets
 *   (order does not count): elements equal under these same rules pair up, greedily in canonical-JSON
 *   order, and each element left over is reported once at `path[]`.
 * - Numbers: equal when `Object.is`, or both finite and |a-b| <= 1e-9 * max(1, |a|, |b|).
 * - A `Date` is compared as its ISO string; values of different types are `changed`.
 */
export function diffFields(current: unknown, candidate: unknown, options: DiffOptions = {}): FieldMismatch[] {
  const context: DiffContext = {
    ignored: new Set(options.ignoreKeys ?? DEFAULT_IGNORED_KEYS),
    identities: (options.identityKeys ?? DEFAULT_IDENTITY_KEYS).map((entry) => entry.split('+').filter((part) => part !== '')).filter((parts) => parts.length > 0),
    out: [],
  };
  compareAt('$', current, candidate, context);
  return context.out.sort(byPathKindValues);
}

function compareAt(path: string, current: unknown, candidate: unknown, context: DiffContext): void {
  const a = normalize(current);
  const b = normalize(candidate);
  if (typeof a === 'number' && typeof b === 'number') {
    if (!numbersEqual(a, b)) context.out.push(mismatch(path, 'changed', a, b));
  } else if (Array.isArray(a) && Array.isArray(b)) {
    compareArrays(path, a, b, context);
  } else if (isRecord(a) && isRecord(b)) {
    compareObjects(path, a, b, context);
  } else if (!Object.is(a, b)) {
    context.out.push(mismatch(path, 'changed', a, b));
  }
}

function compareObjects(path: string, a: Record<string, unknown>, b: Record<string, unknown>, context: DiffContext): void {
  const keys = [...new Set([...presentKeys(a), ...presentKeys(b)])].sort(compareStrings);
  for (const key of keys) {
    if (context.ignored.has(key)) continue;
    const inA = has(a, key);
    const inB = has(b, key);
    const here = path + keySegment(key);
    if (!inB) context.out.push(mismatch(here, 'missing_in_candidate', a[key], null));
    else if (!inA) context.out.push(mismatch(here, 'extra_in_candidate', null, b[key]));
    else if (!bothTimestamps(key, a[key], b[key])) compareAt(here, a[key], b[key], context);
  }
}

function compareArrays(path: string, a: readonly unknown[], b: readonly unknown[], context: DiffContext): void {
  const identity = context.identities.find((parts) => identifies(parts, a) && identifies(parts, b));
  if (identity !== undefined && a.length + b.length > 0) compareByIdentity(path, identity, a as Record<string, unknown>[], b as Record<string, unknown>[], context);
  else compareAsMultisets(path, a, b, context);
}

function compareByIdentity(path: string, parts: readonly string[], a: Record<string, unknown>[], b: Record<string, unknown>[], context: DiffContext): void {
  const index = (elements: Record<string, unknown>[]) => new Map(elements.map((element) => [identityOf(parts, element), element]));
  const left = index(a);
  const right = index(b);
  for (const key of [...new Set([...left.keys(), ...right.keys()])].sort(compareStrings)) {
    const inA = left.get(key);
    const inB = right.get(key);
    const here = path + identitySegment(parts, (inA ?? inB) as Record<string, unknown>);
    if (inB === undefined) context.out.push(mismatch(here, 'missing_in_candidate', inA, null));
    else if (inA === undefined) context.out.push(mismatch(here, 'extra_in_candidate', null, inB));
    else compareAt(here, inA, inB, context);
  }
}

/**
 * Order does not count: exact twins (same canonical JSON) pair first, then what is left pairs greedily
 * with the first unpaired element it equals under the diff's own rules (ignored keys, timestamps,
 * number tolerance). Both sides are walked in canonical-JSON order, so the pairing is deterministic.
 */
function compareAsMultisets(path: string, a: readonly unknown[], b: readonly unknown[], context: DiffContext): void {
  const left = sortCanonically(a);
  const right = sortCanonically(b);
  const used = new Array<boolean>(right.length).fill(false);
  const pending = new Map<string, number[]>();
  right.forEach((entry, position) => pending.set(entry.json, [...(pending.get(entry.json) ?? []), position]));
  const unmatched: unknown[] = [];
  for (const entry of left) {
    const twin = pending.get(entry.json)?.find((position) => !used[position]);
    if (twin === undefined) unmatched.push(entry.value);
    else used[twin] = true;
  }
  const here = `${path}[]`;
  for (const value of unmatched) {
    const position = right.findIndex((entry, at) => !used[at] && equalUnder(value, entry.value, context));
    if (position === -1) context.out.push(mismatch(here, 'missing_in_candidate', value, null));
    else used[position] = true;
  }
  right.forEach((entry, position) => {
    if (!used[position]) context.out.push(mismatch(here, 'extra_in_candidate', null, entry.value));
  });
}

function equalUnder(a: unknown, b: unknown, context: DiffContext): boolean {
  const probe: DiffContext = { ...context, out: [] };
  compareAt('$', a, b, probe);
  return probe.out.length === 0;
}

function identifies(parts: readonly string[], elements: readonly unknown[]): boolean {
  const seen = new Set<string>();
  for (const element of elements) {
    if (!isRecord(element) || !parts.every((part) => isIdentityValue(element[part]))) return false;
    const key = identityOf(parts, element);
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

const isIdentityValue = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

const identityOf = (parts: readonly string[], element: Record<string, unknown>): string => JSON.stringify(parts.map((part) => element[part]));

const identitySegment = (parts: readonly string[], element: Record<string, unknown>): string => `[${parts.map((part) => `${part}=${String(element[part])}`).join(',')}]`;

const keySegment = (key: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

function numbersEqual(a: number, b: number): boolean {
  if (Object.is(a, b)) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

const isTimeKey = (key: string): boolean => /[a-z0-9]At$/.test(key) || /[A-Za-z0-9]_at$/.test(key);

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

const isIsoDateTime = (value: unknown): boolean => typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));

/** The `*At` rule of DEFAULT_IGNORED_KEYS: both sides stamp the key with an ISO-8601 date-time. */
const bothTimestamps = (key: string, a: unknown, b: unknown): boolean => isTimeKey(key) && isIsoDateTime(normalize(a)) && isIsoDateTime(normalize(b));

function normalize(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return value;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const has = (record: Record<string, unknown>, key: string): boolean => Object.hasOwn(record, key) && record[key] !== undefined;

const presentKeys = (record: Record<string, unknown>): string[] => Object.keys(record).filter((key) => record[key] !== undefined);

const mismatch = (path: string, kind: MismatchKind, current: unknown, candidate: unknown): FieldMismatch => ({
  path,
  kind,
  current: current === undefined ? null : current,
  candidate: candidate === undefined ? null : candidate,
});

/** Compact JSON with object keys sorted at every depth: the order key for multisets and ties. */
function canonicalJson(value: unknown): string {
  const json = JSON.stringify(value, (_key, inner: unknown) =>
    isRecord(inner) ? Object.fromEntries(Object.keys(inner).sort(compareStrings).map((key) => [key, inner[key]])) : inner,
  );
  return json ?? 'undefined';
}

const sortCanonically = (values: readonly unknown[]): { value: unknown; json: string }[] =>
  values.map((value) => ({ value, json: canonicalJson(normalize(value)) })).sort((x, y) => compareStrings(x.json, y.json));

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byPathKindValues(x: FieldMismatch, y: FieldMismatch): number {
  return compareStrings(x.path, y.path) || compareStrings(x.kind, y.kind) || compareStrings(canonicalJson(x.current), canonicalJson(y.current)) || compareStrings(canonicalJson(x.candidate), canonicalJson(y.candidate));
}
