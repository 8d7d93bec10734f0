import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to the next requests: forward them, fail them with a 500, or forward and drop the last entry of a JSON list. */
export type ProxyMode = 'pass' | 'fail' | 'drop-last';

export interface LoopbackProxy {
  readonly url: string;
  mode: ProxyMode;
  /** Every request seen, as `METHOD /path`. */
  readonly requests: string[];
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Drops the last element of a JSON array answer, or of the one array an object answer holds. */
function dropLast(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (Array.isArray(value)) return JSON.stringify(value.slice(0, -1));
  if (typeof value === 'object' && value !== null) {
    const arrays = Object.entries(value).filter(([, inner]) => Array.isArray(inner));
    if (arrays.length === 1) {
      const [key, list] = arrays[0] as [string, unknown[]];
      return JSON.stringify({ ...value, [key]: list.slice(0, -1) });
    }
  }
  return text;
}

/**
 * A loopback HTTP proxy in front of an emulator (a toxiproxy in a few lines): the candidate adapter of
 * a rollout test talks to the same emulated account through it, and the test turns it into a failing
 * or a lying upstream to inject errors and mismatches on the candidate's side only.
 */
export async function startLoopbackProxy(target: string): Promise<LoopbackProxy> {
  const requests: string[] = [];
  const proxy = { mode: 'pass' as ProxyMode, requests } as LoopbackProxy & { mode: ProxyMode };
  const server = createServer((request, response) => {
    void (async () => {
      requests.push(`${request.method ?? 'GET'} ${request.url ?? '/'}`);
      if (proxy.mode === 'fail') {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'upstream failure (test proxy)' }));
        return;
      }
      const body = await bodyOf(request);
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name, value]) => typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
      const upstream = await fetch(`${target}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers, ...(body.length > 0 && { body }) });
      let text = await upstream.text();
      const mutate = proxy.mode === 'drop-last' && (request.method ?? 'GET') === 'GET';
      if (mutate) text = dropLast(text);
      const answerHeaders = Object.fromEntries([...upstream.headers].filter(([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)));
      response.writeHead(upstream.status, answerHeaders);
      response.end(text);
    })().catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
