import { Ec2Error, invalidParameterValue } from './ec2-error.js';

/**
 * The parameters of one AWS Query (protocol `ec2`) request. Lists are flattened with 1-based indices
 * (`InstanceId.1`, `Filter.2.Value.1`); nested structures use dotted names (`Placement.AvailabilityZone`).
 * A view may be scoped to a prefix so that a structure inside a list reads like a top-level request.
 */
export class QueryParams {
  private constructor(
    private readonly entries: ReadonlyMap<string, string>,
    private readonly prefix: string,
  ) {}

  /** Parses an `application/x-www-form-urlencoded` body (or a URL query string). */
  static parse(encoded: string): QueryParams {
    const entries = new Map<string, string>();
    for (const [key, value] of new URLSearchParams(encoded)) {
      if (entries.has(key)) throw new Ec2Error('InvalidParameter', `The parameter ${key} is specified more than once.`);
      entries.set(key, value);
    }
    return new QueryParams(entries, '');
  }

  string(name: string): string | undefined {
    return this.entries.get(this.prefix + name);
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw new Ec2Error('MissingParameter', `The request must contain the parameter ${this.prefix + name}`);
    return value;
  }

  integer(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!/^-?\d+$/.test(raw)) throw invalidParameterValue(`Invalid value '${raw}' for ${this.prefix + name}. It must be an integer.`);
    return Number(raw);
  }

  boolean(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (raw !== 'true' && raw !== 'false') throw invalidParameterValue(`Invalid value '${raw}' for ${this.prefix + name}. It must be true or false.`);
    return raw === 'true';
  }

  /** `Name.1`, `Name.2`, … in index order. */
  strings(name: string): string[] {
    return this.indices(name).map((index) => this.entries.get(`${this.prefix}${name}.${index}`) ?? '');
  }

  /** The structure at `Name.` as its own view. */
  struct(name: string): QueryParams {
    return new QueryParams(this.entries, `${this.prefix}${name}.`);
  }

  /** The structures at `Name.1.`, `Name.2.`, … in index order. */
  structs(name: string): QueryParams[] {
    return this.indices(name).map((index) => new QueryParams(this.entries, `${this.prefix}${name}.${index}.`));
  }

  /** Whether any parameter lives at or under `name`. */
  has(name: string): boolean {
    const full = this.prefix + name;
    for (const key of this.entries.keys()) if (key === full || key.startsWith(`${full}.`)) return true;
    return false;
  }

  /** Every `key=value` in this view except the named top-level keys, sorted: a request's fingerprint. */
  fingerprint(except: readonly string[]): string {
    const skipped = new Set(except.map((name) => this.prefix + name));
    return [...this.entries]
      .filter(([key]) => key.startsWith(this.prefix) && !skipped.has(key))
      .map(([key, value]) => `${key}=${value}`)
      .sort()
      .join('&');
  }

  private indices(name: string): number[] {
    const head = `${this.prefix}${name}.`;
    const found = new Set<number>();
    for (const key of this.entries.keys()) {
      if (!key.startsWith(head)) continue;
      const match = /^(\d+)(?:\.|$)/.exec(key.slice(head.length));
      if (match?.[1] !== undefined) found.add(Number(match[1]));
    }
    return [...found].filter((index) => index >= 1).sort((a, b) => a - b);
  }
}
