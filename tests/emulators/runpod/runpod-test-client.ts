import { expectSpecExchange } from './runpod-spec.js';

export interface RestAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A REST v2 client for emulator tests: every request and answer is checked against the vendor's OpenAPI document. */
export function restClient(baseUrl: string, apiKey: string | null) {
  return async (method: string, path: string, body?: unknown, options: { invalidRequest?: boolean } = {}): Promise<RestAnswer> => {
    const url = `${baseUrl}${path}`;
    const response = await fetch(url, {
      method,
      headers: { ...(apiKey !== null && { authorization: `Bearer ${apiKey}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? null : JSON.parse(text);
    // A request the test makes invalid on purpose is not checked; its answer always is.
    expectSpecExchange(method, url, options.invalidRequest ? undefined : body, response.status, response.headers, parsed);
    return { status: response.status, headers: response.headers, body: parsed };
  };
}

export async function graphql(url: string, apiKey: string | null, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey !== null && { authorization: `Bearer ${apiKey}` }) },
    body: JSON.stringify({ query, ...(variables && { variables }) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { message: string }[] } };
}
