import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { minimalInstance } from '../../../src/emulators/openai/schema-instance.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false }));

const cases: [string, Record<string, unknown>][] = [
  ['an empty object schema', { type: 'object', properties: {} }],
  ['required properties only', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['a'], additionalProperties: false }],
  ['strings with bounds and formats', { type: 'object', properties: { s: { type: 'string', minLength: 12, maxLength: 14 }, t: { type: 'string', maxLength: 3 }, e: { type: 'string', format: 'email' }, d: { type: 'string', format: 'date' }, u: { type: 'string', format: 'uuid' } }, required: ['s', 't', 'e', 'd', 'u'] }],
  ['a pattern', { type: 'string', pattern: '^[0-9]+$' }],
  ['numbers with bounds', { type: 'object', properties: { i: { type: 'integer', minimum: 3, multipleOf: 5 }, n: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 }, neg: { type: 'integer', maximum: -4 }, x: { type: 'integer', exclusiveMaximum: -1 } }, required: ['i', 'n', 'neg', 'x'] }],
  ['arrays with minItems and uniqueItems', { type: 'array', items: { type: 'object', properties: { k: { type: 'string' }, v: { type: 'integer' } }, required: ['k', 'v'] }, minItems: 3, uniqueItems: true }],
  ['unique enums', { type: 'array', items: { enum: ['x', 'y', 'z'] }, minItems: 3, uniqueItems: true }],
  ['const and enum', { type: 'object', properties: { c: { const: 'fixed' }, e: { enum: [3, 'four'] } }, required: ['c', 'e'] }],
  ['anyOf with null first', { anyOf: [{ type: 'null' }, { type: 'object', properties: { z: { type: 'boolean' } }, required: ['z'] }] }],
  ['oneOf', { oneOf: [{ type: 'string', minLength: 2 }, { type: 'integer' }] }],
  ['allOf', { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer', minimum: 9 } }, required: ['b'] }] }],
  ['$ref into $defs and definitions, recursive', { type: 'object', properties: { node: { $ref: '#/$defs/node' }, leg: { $ref: '#/definitions/leg' } }, required: ['node', 'leg'], $defs: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } }, name: { type: 'string' } }, required: ['children', 'name'] } }, definitions: { leg: { type: 'integer', minimum: 1 } } }],
  ['nullable type arrays', { type: 'object', properties: { n: { type: ['null', 'integer'], minimum: 2 } }, required: ['n'] }],
  ['minProperties', { type: 'object', properties: { p: { type: 'string' }, q: { type: 'string' } }, minProperties: 2 }],
];

describe('minimalInstance', () => {
  it.each(cases)('makes a valid instance of %s', (_name, schema) => {
    const validate = ajv.compile(schema);
    const instance = minimalInstance(schema);
    expect(validate(instance), `${JSON.stringify(instance)}: ${JSON.stringify(validate.errors)}`).toBe(true);
  });

  it('is minimal: required properties only, the fewest items', () => {
    expect(minimalInstance({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'array', items: { type: 'string' } } }, required: ['b'] })).toEqual({ b: [] });
  });
});
