import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The EC2 botocore model extract in vendor-specs/aws-ec2, to check that what the AWS
 * provider sends carries what EC2 requires (and nothing EC2 does not define).
 */
interface BotocoreShape {
  type: string;
  required?: string[];
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
}

const MODEL_PATH = join(import.meta.dirname, '..', '..', 'vendor-specs', 'aws-ec2', 'ec2-2016-11-15.subset.botocore-1.43.11.json');
const model = JSON.parse(readFileSync(MODEL_PATH, 'utf8')) as { operations: Record<string, { input: { shape: string } }>; shapes: Record<string, BotocoreShape> };

/** Every way `value` departs from the model's shape: missing required members, unknown members, bad enums and types. */
function modelProblems(shapeName: string, value: unknown, path = '$'): string[] {
  const shape = model.shapes[shapeName];
  if (shape === undefined) return [`${path}: shape ${shapeName} is not in the extract`];
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected a structure (${shapeName})`];
      const record = value as Record<string, unknown>;
      const problems = (shape.required ?? []).filter((name) => record[name] === undefined).map((name) => `${path}.${name}: required by ${shapeName}`);
      for (const [name, member] of Object.entries(record)) {
        if (member === undefined) continue;
        const definition = shape.members?.[name];
        if (definition === undefined) problems.push(`${path}.${name}: not a member of ${shapeName}`);
        else problems.push(...modelProblems(definition.shape, member, `${path}.${name}`));
      }
      return problems;
    }
    case 'list': {
      if (!Array.isArray(value)) return [`${path}: expected a list (${shapeName})`];
      const problems = shape.min !== undefined && value.length < shape.min ? [`${path}: fewer than ${shape.min} items`] : [];
      return [...problems, ...value.flatMap((item, index) => modelProblems(shape.member?.shape ?? '', item, `${path}[${index}]`))];
    }
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string`];
      if (shape.enum !== undefined && !shape.enum.includes(value)) return [`${path}: '${value}' is not one of ${shapeName}`];
      return [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case 'double':
    case 'float':
      return typeof value === 'number' ? [] : [`${path}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'timestamp':
      return value instanceof Date ? [] : [`${path}: expected a timestamp`];
    default:
      return [];
  }
}

/** What is wrong with `input` as the request of `operation`, by the botocore model extract in vendor-specs; empty when it conforms. */
export function requestProblems(operation: string, input: unknown): string[] {
  const definition = model.operations[operation];
  if (definition === undefined) return [`${operation} is not in the extract`];
  return modelProblems(definition.input.shape, input);
}

/** The operations the extract models; requests for others cannot be checked against it. */
export function modelledOperations(): string[] {
  return Object.keys(model.operations);
}
