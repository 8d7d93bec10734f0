import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function pointer(...segments: string[]): string {
  return segments.map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

/**
 * Validates requests and responses against a vendor's OpenAPI 3.1 document with ajv (JSON Schema
 * 2020-12, which OpenAPI 3.1 schemas are), so an adapter and its emulator cannot drift from the
 * vendor's API together. Paths are the document's templates, e.g. `/api/v1/instances/{id}`.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly document: { paths: Record<string, Record<string, unknown>> };

  constructor(specPath: string) {
    this.document = JSON.parse(readFileSync(specPath, 'utf8'));
    addFormats(this.ajv);
    this.ajv.addSchema(this.document, 'spec');
  }

  /** Error messages for a response body (empty when valid); throws when the document has no such response. */
  responseErrors(path: string, method: string, status: number, body: unknown): string[] {
    return this.errors(['paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema'], body);
  }

  /** Error messages for a JSON request body (empty when valid). */
  requestErrors(path: string, method: string, body: unknown): string[] {
    return this.errors(['paths', path, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema'], body);
  }

  /** The path templates of the document, for matching a concrete URL path. */
  templates(): string[] {
    return Object.keys(this.document.paths);
  }

  /** The template a concrete path matches (`/api/v1/instances/abc` -> `/api/v1/instances/{id}`), or undefined. */
  templateFor(path: string): string | undefined {
    return this.templates().find((template) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  }

  private errors(segments: string[], value: unknown): string[] {
    const ref = `spec#/${pointer(...segments)}`;
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`);
  }
}
