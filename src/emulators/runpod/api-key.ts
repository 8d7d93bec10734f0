/** The key a request carries: `Authorization: Bearer <key>` (REST v2, runpod-python) or `?api_key=` (the GraphQL docs). */
export function apiKeyOf(request: Request): string | null {
  const header = request.headers.get('authorization');
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer !== undefined) return bearer;
  return new URL(request.url).searchParams.get('api_key');
}

/** What a key may do on this account: everything, reads only, or nothing (null: RunPod answers 401). */
export function keyAccess(state: { readonly options: { readonly apiKeys: readonly string[]; readonly readOnlyApiKeys: readonly string[] } }, key: string | null): 'all' | 'read' | null {
  if (key === null) return null;
  if (state.options.apiKeys.includes(key)) return 'all';
  return state.options.readOnlyApiKeys.includes(key) ? 'read' : null;
}
