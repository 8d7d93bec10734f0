import { describe, expect, it } from 'vitest';
import { decodeAnthropicError } from '../../../../src/llm/adapters/anthropic/index.js';

const body = (type: string, message: string) => ({ type: 'error', error: { type, message } });

describe('decodeAnthropicError: answers beyond the fixtures', () => {
  it.each([
    [502, '<html>bad gateway</html>', 'SERVER', true],
    [503, '', 'OVERLOADED', true],
    [504, undefined, 'SERVER', true],
    [408, '', 'TIMEOUT', true],
    [401, 'nope', 'AUTH', false],
    [404, '', 'NOT_FOUND', false],
    [422, '', 'INVALID_REQUEST', false],
  ])('HTTP %i without a readable error body is classed by its status', (status, raw, code, retryable) => {
    const error = decodeAnthropicError(status, new Headers(), raw);
    expect(error).toMatchObject({ code, retryable, status });
    expect(error.message).toBe(`anthropic: HTTP ${status}, ${typeof raw === 'string' && raw !== '' ? 'a non-JSON answer' : 'no error body'}`);
  });

  it('keeps at most 500 characters of a non-JSON body', () => {
    expect((decodeAnthropicError(502, new Headers(), 'x'.repeat(2000)).raw as string).length).toBe(500);
  });

  it('classes any 529 as OVERLOADED, whatever its body says', () => {
    expect(decodeAnthropicError(529, new Headers(), body('api_error', 'busy')).code).toBe('OVERLOADED');
  });

  it('reads an error type the stored document does not list: billing_error is AUTH', () => {
    expect(decodeAnthropicError(402, new Headers(), body('billing_error', 'payment required'))).toMatchObject({ code: 'AUTH', retryable: false });
  });

  it('leaves an HTTP-date retry-after to the transport, and ignores retry-after on an answer it will not retry', () => {
    expect(decodeAnthropicError(429, new Headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }), body('rate_limit_error', 'slow')).retryAfterMs).toBeUndefined();
    expect(decodeAnthropicError(529, new Headers({ 'retry-after': '1.5' }), body('overloaded_error', 'Overloaded')).retryAfterMs).toBe(1500);
    expect(decodeAnthropicError(401, new Headers({ 'retry-after': '5' }), body('authentication_error', 'invalid x-api-key')).retryAfterMs).toBeUndefined();
  });

  it('cuts a long vendor message', () => {
    expect(decodeAnthropicError(400, new Headers(), body('invalid_request_error', 'y'.repeat(5000))).message.length).toBeLessThan(1100);
  });
});
