import { invalidParameterValue } from './ec2-error.js';
import type { QueryParams } from './query-params.js';

export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** The values a resource has for a filter name, or undefined when the operation does not know the filter. */
export type FilterValues = (name: string) => readonly string[] | undefined;

export function parseFilters(params: QueryParams): Ec2Filter[] {
  return params.structs('Filter').map((filter) => ({ name: filter.requiredString('Name'), values: filter.strings('Value') }));
}

/** Values within one filter are OR'ed, filters are AND'ed; values accept the `*` and `?` wildcards. */
export function matchesFilters(filters: readonly Ec2Filter[], valuesOf: FilterValues): boolean {
  return filters.every((filter) => {
    const actual = valuesOf(filter.name);
    if (actual === undefined) throw invalidParameterValue(`The filter '${filter.name}' is invalid`);
    return filter.values.some((pattern) => actual.some((value) => wildcardMatches(pattern, value)));
  });
}

/** Rejects unknown filter names even when there is nothing to match them against. */
export function assertKnownFilters(filters: readonly Ec2Filter[], valuesOf: FilterValues): void {
  for (const filter of filters) {
    if (valuesOf(filter.name) === undefined) throw invalidParameterValue(`The filter '${filter.name}' is invalid`);
  }
}

/** `tag:<key>` and `tag-key`, shared by every taggable resource. */
export function tagFilterValues(name: string, tags: ReadonlyMap<string, string>): readonly string[] | undefined {
  if (name === 'tag-key') return [...tags.keys()];
  if (name.startsWith('tag:')) {
    const value = tags.get(name.slice('tag:'.length));
    return value === undefined ? [] : [value];
  }
  return undefined;
}

export function wildcardMatches(pattern: string, value: string): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern.charAt(index);
    if (char === '\\' && index + 1 < pattern.length) {
      index += 1;
      source += escapeRegExp(pattern.charAt(index));
    } else if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`).test(value);
}

function escapeRegExp(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
