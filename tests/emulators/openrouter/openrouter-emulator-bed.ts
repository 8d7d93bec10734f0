import type { OpenRouterEmulatorOptions } from '../../../src/emulators/openrouter/openrouter-emulator-options.js';
import { type RunningOpenRouterEmulator, startOpenRouterEmulator } from '../../../src/emulators/openrouter/start-openrouter-emulator.js';

/** A fake key planted in tests (grep for it: it must never come back in an answer or an error). */
export const API_KEY = 'sk-or-v1-test-2f7c9e1a5b3d4c6e8f0a1b2c3d4e5f60';

export interface OpenRouterEmulatorBed {
  readonly emulator: RunningOpenRouterEmulator;
  /** The emulator's clock (ms since the epoch): advance it to end rate windows. */
  clock: number;
  call(method: 'GET' | 'POST', path: string, body?: unknown, key?: string | null): Promise<{ status: number; body: unknown; headers: Headers; text: string }>;
  chat(body: Record<string, unknown>, key?: string | null): Promise<{ status: number; body: unknown; headers: Headers; text: string }>;
  close(): Promise<void>;
}

/** An emulator on loopback with an injected clock and the planted key. */
export async function openOpenRouterEmulator(options: OpenRouterEmulatorOptions = {}): Promise<OpenRouterEmulatorBed> {
  const bed = { clock: Date.UTC(2025, 10, 24, 12) } as OpenRouterEmulatorBed;
  const emulator = await startOpenRouterEmulator({ apiKeys: [API_KEY], now: () => bed.clock, ...options });
  const call: OpenRouterEmulatorBed['call'] = async (method, path, body, key = API_KEY) => {
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
    return { status: response.status, body: parsed, headers: response.headers, text };
  };
  Object.assign(bed, {
    emulator,
    call,
    chat: (body: Record<string, unknown>, key?: string | null) => call('POST', '/api/v1/chat/completions', body, key),
    close: () => emulator.close(),
  });
  return bed;
}

export const userMessage = (text: string) => ({ role: 'user', content: text });
