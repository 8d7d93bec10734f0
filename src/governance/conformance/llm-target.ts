import type { ProviderRuntime } from '../../llm/index.js';
import type { CallMeter } from './call-meter.js';
import { skipCase } from './conformance-case.js';

/** An LLM adapter as one case sees it: a runtime that serves it, and the model the cases call. */
export interface LlmSubject {
  readonly runtime: ProviderRuntime;
  /** The provider id the runtime serves the adapter under (`openai`, `litellm`, `mock`). */
  readonly provider: string;
  /** A small, cheap chat model of the provider (the readiness probe's model). */
  readonly model: string;
  /** Whether the adapter lists its models (GET /models); default true. */
  readonly discovery?: boolean;
  /** Requests the adapter has sent its vendor so far, when the harness can count them (an emulator's log); null when it cannot. */
  vendorCalls?(): number;
  /** providerOptions that make the adapter fail with an LLM error code, when it can be told to (the mock's `fail`). */
  failWith?(code: string): Record<string, Record<string, unknown>>;
  cleanup(): Promise<void>;
}

/** One LLM adapter under test: each case gets a fresh subject from `create`. */
export interface LlmTarget {
  readonly capability: 'llm';
  readonly adapter: string;
  create(): Promise<LlmSubject>;
}

/** What an LLM case works with. Every call through `runtime` is metered and held to the deadline. */
export interface LlmCaseContext {
  readonly adapter: string;
  readonly runtime: ProviderRuntime;
  readonly subject: LlmSubject;
  readonly deadlineMs: number;
  /** The smallest useful request: one short user turn, a few output tokens. */
  request(text: string, extra?: Record<string, unknown>): Record<string, unknown>;
  skip(reason: string): never;
}

export function llmCaseContext(adapter: string, subject: LlmSubject, meter: CallMeter): LlmCaseContext {
  return {
    adapter,
    runtime: meter.wrap(subject.runtime),
    subject,
    deadlineMs: meter.deadlineMs,
    request: (text, extra = {}) => ({
      model: { provider: subject.provider, model: subject.model },
      messages: [{ role: 'user', content: [{ type: 'text', text }] }],
      maxOutputTokens: 16,
      ...extra,
    }),
    skip: skipCase,
  };
}
