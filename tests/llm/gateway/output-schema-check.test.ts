import { describe, expect, it } from 'vitest';
import { compileOutputSchema, type OutputSchemaCheck } from '../../../src/llm/gateway/output-schema-check.js';

const N_SCHEMA = { type: 'object', properties: { n: { type: 'integer', minimum: 10 } }, required: ['n'] };

function compiled(schema: Record<string, unknown>): OutputSchemaCheck {
  const result = compileOutputSchema(schema);
  if (!result.ok) throw new Error(result.error);
  return result.check;
}

describe('compileOutputSchema', () => {
  it('accepts JSON text that matches the schema', () => {
    expect(compiled(N_SCHEMA)('{"n": 12}')).toEqual({ valid: true });
  });

  it('names every violation (allErrors) with its path', () => {
    const check = compiled({ type: 'object', properties: { n: { type: 'integer', minimum: 10 }, s: { type: 'string' } }, required: ['n', 's'], additionalProperties: false });
    const result = check('{"n": 1, "x": true}');
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.errors).toEqual(expect.arrayContaining([expect.stringContaining('/n: must be >= 10'), expect.stringMatching(/must have required property 's'/), expect.stringContaining('(x)')]));
  });

  it('reports text that is not JSON with the parse error, before any schema check', () => {
    const result = compiled(N_SCHEMA)('n = 12');
    expect(result).toEqual({ valid: false, errors: [expect.stringMatching(/^not JSON: /)] });
  });

  it('refuses a schema Ajv cannot compile, with the reason', () => {
    const bad = compileOutputSchema({ type: 'whole-number' });
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('does not compile') });
    expect(compileOutputSchema({ type: 'object', properties: { a: { $ref: '#/$defs/missing' } } })).toMatchObject({ ok: false, error: expect.stringContaining('#/$defs/missing') });
  });

  it('ignores keywords it does not know (strict off) and does not validate formats', () => {
    const check = compiled({ type: 'object', 'x-vendor-hint': 'fast', properties: { at: { type: 'string', format: 'date-time' } }, required: ['at'] });
    expect(check('{"at": "yesterday"}')).toEqual({ valid: true });
  });

  it('caches by content: the same schema spelled twice gives the same check', () => {
    const one = compileOutputSchema({ type: 'object', required: ['a'], properties: { a: { type: 'string' } } });
    const two = compileOutputSchema({ properties: { a: { type: 'string' } }, required: ['a'], type: 'object' });
    expect(one.ok && two.ok && one.check === two.check).toBe(true);
  });

  it('keeps schemas apart: two schemas with the same $id resolve their own refs', () => {
    const strings = compiled({ $id: 'https://example.test/answer', type: 'object', properties: { v: { $ref: '#/$defs/value' } }, $defs: { value: { type: 'string' } } });
    const numbers = compiled({ $id: 'https://example.test/answer', type: 'object', properties: { v: { $ref: '#/$defs/value' } }, $defs: { value: { type: 'number' } } });
    expect(strings('{"v": "a"}').valid).toBe(true);
    expect(strings('{"v": 1}').valid).toBe(false);
    expect(numbers('{"v": 1}').valid).toBe(true);
    expect(numbers('{"v": "a"}').valid).toBe(false);
  });

  it('takes draft 2020-12 schemas (prefixItems) when they say so', () => {
    const check = compiled({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false });
    expect(check('["a", 1]')).toEqual({ valid: true });
    expect(check('["a", "b"]').valid).toBe(false);
    expect(check('["a", 1, 2]').valid).toBe(false);
  });

  it('is unaffected by later changes to the schema object it was given', () => {
    const schema: Record<string, unknown> = { type: 'object', properties: { k: { type: 'boolean' } }, required: ['k'] };
    const check = compiled(schema);
    schema.required = [];
    expect(check('{}').valid).toBe(false);
  });

  it('stays correct past the cache bound (old entries are recompiled on demand)', () => {
    for (let index = 0; index < 300; index += 1) expect(compiled({ type: 'integer', minimum: index })(String(index)).valid).toBe(true);
    expect(compiled({ type: 'integer', minimum: 0 })('-1').valid).toBe(false);
  });
});
