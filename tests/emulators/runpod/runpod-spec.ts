import { join } from 'node:path';
import { expect } from 'vitest';
import { OpenApiValidator } from '../../support/openapi-validator.js';

export const RUNPOD_V2_SPEC = join(import.meta.dirname, '..', '..', '..', 'vendor-specs', 'runpod', 'runpod-rest-v2-openapi.json');

export const runPodSpec = new OpenApiValidator(RUNPOD_V2_SPEC);

/**
 * Asserts that one REST v2 exchange matches the vendor's OpenAPI document: the request body (when
 * JSON), the response body by status and media type (problem+json errors included), and the
 * declared response headers (RateLimit, RateLimit-Policy, Retry-After).
 */
export function expectSpecExchange(method: string, url: string, requestBody: unknown, status: number, headers: Headers, responseBody: unknown): void {
  const path = new URL(url).pathname;
  const template = runPodSpec.templateFor(path);
  expect(template, `${method} ${path} is in the v2 document`).toBeDefined();
  if (template === undefined) return;
  if (requestBody !== undefined) expect(runPodSpec.requestErrors(template, method, requestBody), `request ${method} ${path}`).toEqual([]);
  const contentType = headers.get('content-type')?.split(';')[0] ?? null;
  if (status === 204) {
    expect(responseBody).toBeNull();
  } else {
    expect(contentType, `${method} ${path} ${status} media type`).toBe(status < 400 ? 'application/json' : 'application/problem+json');
    expect(runPodSpec.mediaResponseErrors(template, method, status, contentType ?? '', responseBody), `response ${method} ${path} ${status}`).toEqual([]);
  }
  expect(runPodSpec.responseHeaderErrors(template, method, status, headers), `headers ${method} ${path} ${status}`).toEqual([]);
}
