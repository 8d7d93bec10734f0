import { Agent, request } from 'node:http';

export interface HttpResponse {
  status: number;
  body: string;
}

export interface KeepAliveClientOptions {
  port: number;
  /** Sockets kept open; one per concurrent caller so no request waits for a socket. */
  maxSockets: number;
  timeoutMs?: number;
}

/** HTTP/1.1 on loopback over a keep-alive agent, as a real API client would hold its connections. */
export class KeepAliveClient {
  private readonly agent: Agent;
  private readonly port: number;
  private readonly timeoutMs: number;

  constructor(options: KeepAliveClientOptions) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });
    this.port = options.port;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get(path: string): Promise<HttpResponse> {
    return this.send('GET', path, undefined, true);
  }

  /** Only the status: the body is drained unread, so the load generator spends no CPU on it. */
  async status(path: string): Promise<number> {
    return (await this.send('GET', path, undefined, false)).status;
  }

  postJson(path: string, value: unknown): Promise<HttpResponse> {
    return this.send('POST', path, JSON.stringify(value), true);
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body: string | undefined, keepBody: boolean): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        if (keepBody) res.on('data', (chunk: Buffer) => chunks.push(chunk));
        else res.resume();
        res.once('error', reject);
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out after ${this.timeoutMs} ms`)));
      req.once('error', reject);
      req.end(body);
    });
  }
}
