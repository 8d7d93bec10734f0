import { type IncomingHttpHeaders, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayTracing, withGenerateSpan } from '../../../src/llm/gateway/gateway-telemetry.js';

describe('createGatewayTracing without an endpoint', () => {
  it('is disabled and the API no-op tracer: withGenerateSpan runs fn and records nothing', async () => {
    const tracing = createGatewayTracing({});
    expect(tracing.enabled).toBe(false);
    expect(tracing.tracer.startSpan('probe').isRecording()).toBe(false);
    const result = await withGenerateSpan(tracing.tracer, { capability: 'chat' }, async (span) => {
      span.set({ vendor: 'openai', status: 'ok' });
      return 42;
    });
    expect(result).toBe(42);
    await expect(withGenerateSpan(tracing.tracer, { capability: 'chat' }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await tracing.forceFlush();
    await tracing.shutdown();
  });

  it('registers no global tracer provider, even when enabled', () => {
    const before = trace.getTracerProvider();
    const tracing = createGatewayTracing({ exporter: new InMemorySpanExporter() });
    expect(tracing.enabled).toBe(true);
    expect(trace.getTracerProvider()).toBe(before);
    expect(trace.getTracer('someone-else').startSpan('probe').isRecording()).toBe(false);
  });
});

describe('withGenerateSpan with an in-memory exporter', () => {
  it('records one llm.generate span with the llm.* attributes', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createGatewayTracing({ exporter, serviceName: 'gateway-under-test' });
    const answer = await withGenerateSpan(tracing.tracer, { capability: 'chat', vendor: 'openai', model: 'gpt-4o-mini', decisionId: 'dec-7' }, async (span) => {
      span.set({ vendor: 'anthropic', model: 'claude-sonnet-4-5', latencyMs: 812, status: 'ok', retries: 2, escalations: 1 });
      return 'answer';
    });
    expect(answer).toBe('answer');
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span?.name).toBe('llm.generate');
    expect(span?.attributes).toEqual({
      'llm.capability': 'chat',
      'llm.vendor': 'anthropic',
      'llm.model': 'claude-sonnet-4-5',
      'llm.decision_id': 'dec-7',
      'llm.latency_ms': 812,
      'llm.status': 'ok',
      'llm.retries': 2,
      'llm.escalations': 1,
    });
    expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span?.resource.attributes['service.name']).toBe('gateway-under-test');
    await tracing.shutdown();
  });

  it('a throw: status ERROR, the exception recorded, the error rethrown; latency filled in', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createGatewayTracing({ exporter });
    const failure = new TypeError('vendor exploded');
    await expect(
      withGenerateSpan(tracing.tracer, { capability: 'chat' }, async (span) => {
        span.set({ errorClass: 'CAPACITY_ERROR', status: 'failed' });
        throw failure;
      }),
    ).rejects.toBe(failure);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((event) => [event.name, event.attributes?.['exception.type'], event.attributes?.['exception.message']])).toEqual([['exception', 'TypeError', 'vendor exploded']]);
    expect(span?.attributes).toMatchObject({ 'llm.capability': 'chat', 'llm.error_class': 'CAPACITY_ERROR', 'llm.status': 'failed', 'llm.latency_ms': expect.any(Number) });
    await tracing.shutdown();
  });

  it('an error class set without a throw (an exhausted ladder) marks the span as an error too', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createGatewayTracing({ exporter });
    await withGenerateSpan(tracing.tracer, { capability: 'chat' }, async (span) => span.set({ status: 'failed', errorClass: 'RATE_LIMIT_ERROR' }));
    expect(exporter.getFinishedSpans()[0]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RATE_LIMIT_ERROR' });
    await tracing.shutdown();
  });

  it('puts no attribute beyond the llm.* fields (no prompt, key or header reaches a span)', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createGatewayTracing({ exporter, headers: { authorization: 'Bearer otlp-PLANTED-secret' } });
    await withGenerateSpan(tracing.tracer, { capability: 'chat', vendor: 'openai' }, async () => 'Tell me a secret');
    const [span] = exporter.getFinishedSpans();
    expect(Object.keys(span?.attributes ?? {}).every((key) => key.startsWith('llm.'))).toBe(true);
    expect(JSON.stringify(span?.attributes)).not.toContain('PLANTED');
    await tracing.shutdown();
  });
});

describe('OTLP/HTTP export to a receiver on loopback', () => {
  interface Received {
    path: string;
    headers: IncomingHttpHeaders;
    body: string;
  }
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
  });

  async function receiver(): Promise<{ endpoint: string; received: Received[] }> {
    const received: Received[] = [];
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        // The exporter compresses only when OTEL_EXPORTER_OTLP_COMPRESSION says so; take either.
        const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        received.push({ path: request.url ?? '', headers: request.headers, body: body.toString('utf8') });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { endpoint: `http://127.0.0.1:${port}`, received };
  }

  it('exports the llm.generate span as OTLP JSON to <endpoint>/v1/traces with the headers given', async () => {
    const { endpoint, received } = await receiver();
    const tracing = createGatewayTracing({ otlpEndpoint: endpoint, serviceName: 'hangar-gateway-test', headers: { 'x-collector-token': 'collector-token-1' } });
    expect(tracing.enabled).toBe(true);
    await withGenerateSpan(tracing.tracer, { capability: 'chat', vendor: 'openai', model: 'gpt-4o-mini', decisionId: 'dec-otlp' }, async (span) => span.set({ status: 'ok', retries: 0 }));
    await tracing.forceFlush();
    await tracing.shutdown();

    expect(received.length).toBeGreaterThanOrEqual(1);
    const [first] = received;
    expect(first?.path).toBe('/v1/traces');
    expect(first?.headers['content-type']).toContain('application/json');
    expect(first?.headers['x-collector-token']).toBe('collector-token-1');
    const payload = JSON.parse(first?.body ?? '{}') as {
      resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string; attributes: { key: string; value: { stringValue?: string } }[] }[] }[] }[];
    };
    const spans = payload.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    expect(spans.map((span) => span.name)).toEqual(['llm.generate']);
    expect(spans[0]?.attributes).toEqual(expect.arrayContaining([{ key: 'llm.decision_id', value: { stringValue: 'dec-otlp' } }, { key: 'llm.vendor', value: { stringValue: 'openai' } }]));
    expect(payload.resourceSpans[0]?.resource.attributes).toEqual(expect.arrayContaining([{ key: 'service.name', value: { stringValue: 'hangar-gateway-test' } }]));
  });

  it('takes an endpoint that already ends in /v1/traces as it is', async () => {
    const { endpoint, received } = await receiver();
    const tracing = createGatewayTracing({ otlpEndpoint: `${endpoint}/v1/traces` });
    await withGenerateSpan(tracing.tracer, { capability: 'chat' }, async () => undefined);
    await tracing.forceFlush();
    await tracing.shutdown();
    expect(received.map((request) => request.path)).toEqual(['/v1/traces']);
    expect(received[0]?.body).toContain('llm.generate');
  });
});
