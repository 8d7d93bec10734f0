import { expect } from 'vitest';
import type { OpenAiEmulatorOptions } from '../../../src/emulators/openai/openai-emulator-options.js';
import { type RunningOpenAiEmulator, startOpenAiEmulator } from '../../../src/emulators/openai/start-openai-emulator.js';
import { componentErrors, openAiSpec } from '../../llm/adapters/openai/openai-spec.js';

export const API_KEY = 'sk-emulator-test-key-0042';

export interface OpenAiEmulatorBed {
  readonly emulator: RunningOpenAiEmulator;
  call(method: string, path: string, body?: unknown, key?: string | null): Promise<{ status: number; body: unknown; headers: Headers }>;
  chat(body: Record<string, unknown>, key?: string | null): Promise<{ status: number; body: unknown; headers: Headers }>;
  close(): Promise<void>;
}

export async function openOpenAiEmulator(options: OpenAiEmulatorOptions = {}): Promise<OpenAiEmulatorBed> {
  const emulator = await startOpenAiEmulator({ apiKeys: [API_KEY], ...options });
  const call = async (method: string, path: string, body?: unknown, key: string | null = API_KEY) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { ...(key !== null && { authorization: `Bearer ${key}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: returned as text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return { emulator, call, chat: (body, key) => call('POST', '/v1/chat/completions', body, key), close: () => emulator.close() };
}

/** Asserts an answer is what the vendor document says: a completion, a model list, a model, or OpenAI's error body (with a 429's headers). */
export function expectValidAnswer(path: string, answer: { status: number; body: unknown; headers: Headers }): void {
  if (answer.status === 200) {
    const template = openAiSpec().templateFor(path.replace(/^\/v1/, ''));
    if (template === undefined) throw new Error(`no template for ${path}`);
    expect(openAiSpec().responseErrors(template, template === '/chat/completions' ? 'post' : 'get', 200, answer.body)).toEqual([]);
    return;
  }
  expect(componentErrors('ErrorResponse', answer.body)).toEqual([]);
  if (answer.status === 429) expect(openAiSpec().responseHeaderErrors('/chat/completions', 'post', 429, answer.headers)).toEqual([]);
}

export const userMessage = (content: string) => ({ role: 'user', content });

export interface Completion {
  id: string;
  model: string;
  choices: { index: number; message: { content: string | null; refusal: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details: { cached_tokens: number }; completion_tokens_details: { reasoning_tokens: number } };
}
