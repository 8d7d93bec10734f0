import type { SeededDraws } from './seeded-draws.js';

type Schema = Record<string, unknown>;
const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

const WORDS = ['alpha', 'harbor', 'cobalt', 'meadow', 'lantern', 'quartz', 'summit', 'willow', 'ember', 'delta'];
const MAX_DEPTH = 6;

function sampleString(schema: Schema, draws: SeededDraws): string {
  switch (schema.format) {
    case 'date':
      return `2025-0${1 + draws.int(9)}-1${draws.int(10)}`;
    case 'date-time':
      return `2025-0${1 + draws.int(9)}-1${draws.int(10)}T12:00:00Z`;
    case 'email':
      return `${draws.pick(WORDS)}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${draws.pick(WORDS)}`;
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
  }
  let text = `${draws.pick(WORDS)}-${draws.int(1000)}`;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  while (text.length < min) text += `-${draws.pick(WORDS)}`;
  return typeof schema.maxLength === 'number' ? text.slice(0, schema.maxLength) : text;
}

function sampleNumber(schema: Schema, draws: SeededDraws, integer: boolean): number {
  const low = typeof schema.minimum === 'number' ? schema.minimum : 0;
  const high = typeof schema.maximum === 'number' ? schema.maximum : low + 100;
  const value = low + draws.int(Math.max(1, Math.floor(high - low) + 1));
  return integer ? Math.ceil(Math.min(value, high)) : Math.min(value + draws.int(100) / 100, high);
}

/**
 * A value that fits a JSON Schema (the subset tool parameters and structured outputs use: type,
 * properties, required, items, enum, const, anyOf/oneOf, formats, bounds), drawn from the seed.
 * Every declared property is filled (strict structured outputs require them all).
 */
export function sampleFromSchema(schema: unknown, draws: SeededDraws, depth = 0): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return draws.pick(schema.enum);
  const choices = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
  if (choices !== null) return sampleFromSchema(choices.find((choice) => !(isSchema(choice) && choice.type === 'null')) ?? choices[0], draws, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((candidate) => candidate !== 'null') ?? (isSchema(schema.properties) ? 'object' : types[0]);
  switch (type) {
    case 'object': {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, sampleFromSchema(property, draws, depth + 1)]));
    }
    case 'array': {
      const count = Math.max(typeof schema.minItems === 'number' ? schema.minItems : 1, 1 + draws.int(2));
      const bounded = typeof schema.maxItems === 'number' ? Math.min(count, schema.maxItems) : count;
      return Array.from({ length: bounded }, () => sampleFromSchema(schema.items, draws, depth + 1));
    }
    case 'string':
      return sampleString(schema, draws);
    case 'integer':
      return sampleNumber(schema, draws, true);
    case 'number':
      return sampleNumber(schema, draws, false);
    case 'boolean':
      return draws.int(2) === 1;
    case 'null':
      return null;
    default:
      return sampleString(schema, draws);
  }
}
