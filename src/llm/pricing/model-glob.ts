/**
 * Model-id globs for pricing rules and catalog overrides: `*` matches any run of characters (slashes
 * included, so `openai/*` covers every OpenRouter model of that vendor), `?` one character; every
 * other character is literal. A pattern without `*` or `?` is an exact id.
 */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** A matcher for `pattern` (exact ids compare as strings, globs compile once to an anchored RegExp). */
export function globMatcher(pattern: string): (value: string) => boolean {
  if (!isGlob(pattern)) return (value) => value === pattern;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value);
}
