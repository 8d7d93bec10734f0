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
/** The segments of a local `$ref` (`#/components/responses/NotFoundError`), unescaped. */
function refSegments(ref: string): string[] {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly document: { paths: Record<string, Record<string, unknown>> };

  /** `spec`: the path of a JSON document, or a document already in memory (e.g. one an API serves). */
  constructor(spec: string | object) {
    this.document = typeof spec === 'string' ? JSON.parse(readFileSync(spec, 'utf8')) : structuredClone(spec);
    addFormats(this.ajv);
    this.ajv.addSchema(this.document, 'spec');
  }

  /** Error messages for a response body (empty when valid); throws when the document has no such response. */
  responseErrors(path: string, method: string, status: number, body: unknown): string[] {
    return this.errors(['paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema'], body);
  }

  /**
   * Error messages for a response of any media type (e.g. `application/problem+json`), following
   * `$ref`s to `components/responses` and falling back to the `default` response, as OpenAPI does;
   * throws when the document describes no such response or media type.
   */
  mediaResponseErrors(path: string, method: string, status: number, contentType: string, body: unknown): string[] {
    const { pointer: responsePointer } = this.responsePointer(path, method, status);
    return this.errors([...responsePointer, 'content', contentType, 'schema'], body);
  }

  /** Error messages for the headers the document declares on a response (schemas checked; required headers must be present). */
  responseHeaderErrors(path: string, method: string, status: number, headers: Headers): string[] {
    const { response, pointer: responsePointer } = this.responsePointer(path, method, status);
    const declared = (response.headers ?? {}) as Record<string, { required?: boolean; $ref?: string }>;
    const problems: string[] = [];
    for (const [name, raw] of Object.entries(declared)) {
      const header = raw.$ref === undefined ? raw : (this.resolve(raw.$ref) as { required?: boolean });
      const value = headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`header ${name} is required`);
        continue;
      }
      const segments = raw.$ref === undefined ? [...responsePointer, 'headers', name, 'schema'] : [...refSegments(raw.$ref), 'schema'];
      const schema = this.resolve(`#/${segments.map((segment) => pointer(segment)).join('/')}`) as { type?: string } | undefined;
      // Header values arrive as text: an integer-typed header is checked as a number.
      const typed = schema?.type === 'integer' || schema?.type === 'number' ? Number(value) : value;
      problems.push(...this.errors(segments, typed).map((error) => `header ${name}: ${error}`));
    }
    return problems;
  }

  private responsePointer(path: string, method: string, status: number): { response: { headers?: unknown; content?: unknown }; pointer: string[] } {
    const responses = (this.document.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, unknown> } | undefined)?.responses;
    if (responses === undefined) throw new Error(`the document has no ${method} ${path}`);
    const key = String(status) in responses ? String(status) : 'default';
    const entry = responses[key] as { $ref?: string; headers?: unknown } | undefined;
    if (entry === undefined) throw new Error(`the document has no ${status} (or default) response for ${method} ${path}`);
    if (entry.$ref !== undefined) return { response: this.resolve(entry.$ref) as { headers?: unknown }, pointer: refSegments(entry.$ref) };
    return { response: entry, pointer: ['paths', path, method.toLowerCase(), 'responses', key] };
  }

  private resolve(ref: string): unknown {
    let node: unknown = this.document;
    for (const segment of refSegments(ref)) node = (node as Record<string, unknown> | undefined)?.[segment];
    return node;
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
