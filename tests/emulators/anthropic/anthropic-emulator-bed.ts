import { expect } from 'vitest';
import type { RecordedExchange } from '../../../src/emulators/anthropic/anthropic-emulator.js';
import type { AnthropicEmulatorOptions } from '../../../src/emulators/anthropic/anthropic-emulator-options.js';
import { type RunningAnthropicEmulator, startAnthropicEmulator } from '../../../src/emulators/anthropic/start-anthropic-emulator.js';
import { ALL_SPEC_ADDITIONS, anthropicSpec } from '../../llm/adapters/anthropic/anthropic-spec.js';

/** A fake key planted in tests: it must never come back in an answer, an error or a log. */
export const API_KEY = 'sk-ant-test-PLANTED-7f3c9e1d5b';
export const VERSION = '2023-06-01';

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
  text: string;
}

export interface AnthropicEmulatorBed {
  readonly emulator: RunningAnthropicEmulator;
  /** The emulator's clock (the rate-limit window reads it). */
  clock: number;
  /** A request with the key and version headers unless `headers` replaces them (null: leave one out). */
  call(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string | null>): Promise<Answer>;
  close(): Promise<void>;
}

export async function openAnthropicEmulator(options: AnthropicEmulatorOptions = {}): Promise<AnthropicEmulatorBed> {
  const bed = { clock: Date.UTC(2026, 0, 1) } as AnthropicEmulatorBed;
  const emulator = await startAnthropicEmulator({ apiKeys: [API_KEY], now: () => bed.clock, ...options });
  Object.assign(bed, {
    emulator,
    async call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string | null> = {}) {
      const merged: Record<string, string | null> = { 'x-api-key': API_KEY, 'anthropic-version': VERSION, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers };
      const sent = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null));
      const response = await fetch(`${emulator.url}${path}`, { method, headers: sent, ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: returned as text
      }
      return { status: response.status, body: parsed, headers: response.headers, text };
    },
    close: () => emulator.close(),
  });
  return bed;
}

/** A user turn and the fields every messages request needs. */
export function messagesBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'claude-sonnet-4-5', max_tokens: 512, messages: [{ role: 'user', content: 'Hello there' }], ...fields };
}

/** The error envelope: `{type: "error", error: {type, message}, request_id}`. */
export function expectError(answer: Answer, status: number, type: string, message?: string | RegExp): void {
  expect(answer.status).toBe(status);
  const body = answer.body as { type: string; error: { type: string; message: string }; request_id: string };
  expect(body.type).toBe('error');
  expect(body.error.type).toBe(type);
  if (message !== undefined) expect(body.error.message).toMatch(message);
  expect(body.request_id).toBe(answer.headers.get('request-id'));
}


/**
 * Every recorded answer against the vendor document (with the newer additions, anthropic-spec.ts),
 * and every request the emulator accepted against CreateMessageParams. A malformed answer (the chaos
 * effect) is text and is skipped only when the test says it may be there.
 */
export function expectExchangesMatchSpec(exchanges: readonly RecordedExchange[], options: { malformed?: number } = {}): void {
  const spec = anthropicSpec(ALL_SPEC_ADDITIONS);
  expect(exchanges.length).toBeGreaterThan(0);
  let malformed = 0;
  for (const exchange of exchanges) {
    const where = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
    if (typeof exchange.response === 'string') {
      malformed += 1;
      continue;
    }
    const template = spec.templateFor(exchange.path);
    if (template === undefined) {
      // A path the API does not serve: its 404 is the same ErrorResponse every operation answers.
      expect(exchange.status, where).toBe(404);
      expect(spec.responseErrors('/v1/messages', 'post', 404, exchange.response), where).toEqual([]);
      continue;
    }
    expect(spec.responseErrors(template, exchange.method, exchange.status, exchange.response), where).toEqual([]);
    if (exchange.method === 'POST' && exchange.status === 200) expect(spec.requestErrors(exchange.path, 'post', exchange.body), where).toEqual([]);
  }
  expect(malformed).toBe(options.malformed ?? 0);
}
