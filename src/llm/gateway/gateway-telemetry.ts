import { type Attributes, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';

const TRACER_NAME = 'hangar.llm.gateway';
export const GENERATE_SPAN_NAME = 'llm.generate';

export interface GatewayTracingOptions {
  /** The OTLP/HTTP collector's root (`/v1/traces` is appended unless it is there already). */
  otlpEndpoint?: string;
  /** The resource's `service.name` (default `hangar`). */
  serviceName?: string;
  /** Sent with every export (a collector's auth): never put in spans, never logged. */
  headers?: Record<string, string>;
  /** Spans go here instead, one at a time (tests: an InMemorySpanExporter). Wins over `otlpEndpoint`. */
  exporter?: SpanExporter;
}

export interface GatewayTracing {
  tracer: Tracer;
  /** False when spans go nowhere (no endpoint, no exporter). */
  enabled: boolean;
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

/**
 * The gateway's tracer. Without an endpoint or exporter it is the API's tracer, a no-op unless the
 * host registered a global provider. With one, a provider of its own that is never registered
 * globally: several gateways (and tests) in one process each keep their own pipeline, and the
 * gateway does not capture the host's spans. OTLP export is batched, so a slow collector never holds
 * up an answer; `forceFlush` / `shutdown` drain it.
 */
export function createGatewayTracing(options: GatewayTracingOptions): GatewayTracing {
  const endpoint = options.otlpEndpoint?.trim();
  if (options.exporter === undefined && (endpoint === undefined || endpoint === '')) {
    return { tracer: trace.getTracer(TRACER_NAME), enabled: false, shutdown: async () => {}, forceFlush: async () => {} };
  }
  const processor =
    options.exporter !== undefined
      ? new SimpleSpanProcessor({ exporter: options.exporter })
      : new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl(endpoint ?? ''), ...(options.headers !== undefined && { headers: { ...options.headers } }) }) });
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'hangar' }), spanProcessors: [processor] });
  return {
    tracer: provider.getTracer(TRACER_NAME),
    enabled: true,
    shutdown: () => provider.shutdown(),
    forceFlush: () => provider.forceFlush(),
  };
}

/** What a caller may say about a generation. Never the prompt, the answer, keys or headers. */
export interface GenerateSpanFields {
  vendor?: string;
  model?: string;
  latencyMs?: number;
  status?: string;
  retries?: number;
  escalations?: number;
  /** The final failure's class; setting it marks the span as an error even when `fn` returns (an exhausted ladder). */
  errorClass?: string;
}

export interface GenerateSpan {
  set(attrs: GenerateSpanFields): void;
}

const ATTRIBUTE_OF: Readonly<Record<keyof GenerateSpanFields, string>> = {
  vendor: 'llm.vendor',
  model: 'llm.model',
  latencyMs: 'llm.latency_ms',
  status: 'llm.status',
  retries: 'llm.retries',
  escalations: 'llm.escalations',
  errorClass: 'llm.error_class',
};

function attributesOf(fields: GenerateSpanFields): Attributes {
  const out: Attributes = {};
  for (const [key, name] of Object.entries(ATTRIBUTE_OF) as [keyof GenerateSpanFields, string][]) {
    const value = fields[key];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Runs `fn` inside one `llm.generate` span (active for its duration) with the llm.* attributes:
 * capability, vendor, model and decision id from the start, the rest as `fn` learns them through
 * `span.set`. `llm.latency_ms` defaults to the span's own measure. A throw sets status ERROR, records
 * the exception and is rethrown.
 */
export async function withGenerateSpan<T>(
  tracer: Tracer,
  attributes: { capability: string; vendor?: string; model?: string; decisionId?: string },
  fn: (span: GenerateSpan) => Promise<T>,
): Promise<T> {
  const initial: Attributes = { 'llm.capability': attributes.capability, ...attributesOf({ ...(attributes.vendor !== undefined && { vendor: attributes.vendor }), ...(attributes.model !== undefined && { model: attributes.model }) }) };
  if (attributes.decisionId !== undefined) initial['llm.decision_id'] = attributes.decisionId;
  return tracer.startActiveSpan(GENERATE_SPAN_NAME, { attributes: initial }, async (span) => {
    const started = performance.now();
    let latencySet = false;
    let failedClass: string | undefined;
    const handle: GenerateSpan = {
      set(fields) {
        if (fields.latencyMs !== undefined) latencySet = true;
        if (fields.errorClass !== undefined) failedClass = fields.errorClass;
        span.setAttributes(attributesOf(fields));
      },
    };
    try {
      const result = await fn(handle);
      if (failedClass !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failedClass });
      return result;
    } catch (error) {
      const exception = error instanceof Error ? error : new Error(String(error));
      span.recordException(exception);
      span.setStatus({ code: SpanStatusCode.ERROR, message: exception.name });
      throw error;
    } finally {
      if (!latencySet) span.setAttribute('llm.latency_ms', Math.round(performance.now() - started));
      span.end();
    }
  });
}
