import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenApiValidator } from '../support/openapi-validator.js';

const specs = join(import.meta.dirname, '..', '..', 'vendor-specs');
const lambda = join(specs, 'lambda', 'lambda-cloud-api-openapi-1.8.3.json');
const example = (name: string) => JSON.parse(readFileSync(join(specs, 'lambda', 'examples', name), 'utf8')) as unknown;

describe('OpenAPI validation against a vendor document', () => {
  const validator = new OpenApiValidator(lambda);

  it('accepts the vendor’s own recorded responses', () => {
    expect(validator?.responseErrors('/api/v1/instances', 'GET', 200, example('m_instances_response.json'))).toEqual([]);
    expect(validator?.responseErrors('/api/v1/instance-types', 'GET', 200, example('m_instance_types_response.json'))).toEqual([]);
  });

  it('names what is wrong with a response that drifted from the document', () => {
    const errors = validator?.responseErrors('/api/v1/instances', 'GET', 200, { data: [{ id: 5 }] }) ?? [];
    expect(errors).toContain("/data/0 must have required property 'status'");
    expect(errors.some((error) => error.startsWith('/data/0/id'))).toBe(true);
  });

  it('matches concrete paths to the document’s templates', () => {
    expect(validator?.templateFor('/api/v1/instances/0920582c7ff041399e34823a0be62549')).toBe('/api/v1/instances/{id}');
    expect(validator?.templateFor('/api/v1/nothing-here')).toBeUndefined();
  });
});
