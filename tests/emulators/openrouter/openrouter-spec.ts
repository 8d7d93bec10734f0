import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RecordedExchange } from '../../../src/emulators/openrouter/openrouter-emulator.js';
import { OpenApiValidator } from '../../support/openapi-validator.js';

export const OPENROUTER_SPEC = join(import.meta.dirname, '..', '..', '..', 'vendor-specs', 'openrouter', 'openrouter-openapi.chat-models-generation-key.subset.json');

let validator: OpenApiValidator | undefined;
/** OpenRouter's OpenAPI document (server `https://openrouter.ai/api/v1`, so its paths are `/chat/completions`, `/models`, `/key`). */
export function openRouterSpec(): OpenApiValidator {
  validator ??= new OpenApiValidator(OPENROUTER_SPEC);
  return validator;
}

/** The document's path for a path on the wire: `/api/v1/chat/completions` -> `/chat/completions`. */
export function specPath(path: string): string {
  return path.replace(/^\/api\/v1/, '');
}

/** Problems with a `POST /chat/completions` body. */
export function chatRequestErrors(body: unknown): string[] {
  return openRouterSpec().requestErrors('/chat/completions', 'post', body);
}

let documented: Record<string, Record<string, { responses: Record<string, unknown> }>> | undefined;
function documentsStatus(path: string, method: string, status: number): boolean {
  documented ??= (JSON.parse(readFileSync(OPENROUTER_SPEC, 'utf8')) as { paths: NonNullable<typeof documented> }).paths;
  return String(status) in (documented[path]?.[method.toLowerCase()]?.responses ?? {});
}

/** OpenRouter's error envelope (its docs' `ErrorResponse`), for statuses an operation of the document does not list (401 on `/models`). */
function envelopeErrors(status: number, body: unknown): string[] {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error?.code !== status) return [`error.code is not ${status}`];
  return typeof error.message === 'string' ? [] : ['error.message is not a string'];
}

/** Problems with an answer of one of the document's operations, by its status. */
export function answerErrors(path: string, method: string, status: number, body: unknown): string[] {
  const documentPath = specPath(path);
  if (!documentsStatus(documentPath, method, status)) return envelopeErrors(status, body);
  return openRouterSpec().responseErrors(documentPath, method, status, body);
}

/** Every recorded exchange against the document: each request body and each answer, by its status. */
export function expectExchangesMatchSpec(exchanges: readonly RecordedExchange[]): void {
  expect(exchanges.length).toBeGreaterThan(0);
  for (const exchange of exchanges) {
    const where = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
    if (exchange.method === 'POST' && typeof exchange.body === 'object' && exchange.status !== 400) expect(chatRequestErrors(exchange.body), where).toEqual([]);
    expect(answerErrors(exchange.path, exchange.method, exchange.status, exchange.response), where).toEqual([]);
  }
}
