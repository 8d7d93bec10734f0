/** The key a request carries: `Authorization: Bearer <key>` (REST v2, runpod-python) or `?api_key=` (the GraphQL docs). */
export function apiKeyOf(request: Request): string | null {
  const header = request.headers.get('authorization');
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer !== undefined) return bearer;
  return new URL(request.url).searchParams.get('api_key');
}

interface KeyOptions {
  readonly options: { readonly apiKeys: readonly string[]; readonly readOnlyApiKeys: readonly string[]; readonly restrictedApiKeys: Readonly<Record<string, readonly string[]>> };
}

/** What a key may do on this account: everything, reads only, or nothing (null: RunPod answers 401). A restricted key is valid: what it may reach is `reaches`. */
export function keyAccess(state: KeyOptions, key: string | null): 'all' | 'read' | null {
  if (key === null) return null;
  if (state.options.apiKeys.includes(key) || Object.hasOwn(state.options.restrictedApiKeys, key)) return 'all';
  return state.options.readOnlyApiKeys.includes(key) ? 'read' : null;
}

/**
 * Whether a valid key may reach a path: every key may, except a restricted one outside its resources
 * (a path prefix, e.g. `/v2/catalog`, `/v2/pods`, `/graphql`). Outside them RunPod answers 403 (v2
 * `ForbiddenError`: "The bearer token is valid, but it does not grant access to the requested resource").
 */
export function reaches(state: KeyOptions, key: string, path: string): boolean {
  const resources = Object.hasOwn(state.options.restrictedApiKeys, key) ? state.options.restrictedApiKeys[key] : undefined;
  return resources === undefined || resources.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}
