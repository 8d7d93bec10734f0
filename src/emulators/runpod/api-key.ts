/** The key a request carries: `Authorization: Bearer <key>` (REST v2, runpod-python) or `?api_key=` (the GraphQL docs). */
export function apiKeyOf(request: Request): string | null {
  const header = request.headers.get('authorization');
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer !== undefined) return bearer;
  return new URL(request.url).searchParams.get('api_key');
}
