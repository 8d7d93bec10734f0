import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OpenApiValidator } from '../../../support/openapi-validator.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const OPENAI_SPEC = join(import.meta.dirname, '..', '..', '..', '..', 'vendor-specs', 'openai', 'openai-openapi.chat-completions-models.subset.json');

/**
 * The OpenAI document, read as the vendor means it. It is OpenAPI 3.1 but keeps 3.0's `nullable` in
 * places, some without a `type` (`StopConfiguration`, `prediction`), which ajv refuses to compile;
 * each `nullable: true` is rewritten with 3.0's meaning (the value may also be null) and removed.
 * The file itself stays verbatim.
 */
function normalizedDocument(): object {
  const document = JSON.parse(readFileSync(OPENAI_SPEC, 'utf8')) as unknown;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) if (key !== 'nullable') out[key] = walk(value);
    if ((node as { nullable?: unknown }).nullable !== true) return out;
    if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
    if (Array.isArray(out.type)) return { ...out, type: [...new Set([...(out.type as unknown[]), 'null'])] };
    const { default: fallback, description, ...rest } = out;
    return { ...(description !== undefined && { description }), ...(fallback !== undefined && { default: fallback }), anyOf: [rest, { type: 'null' }] };
  };
  return walk(document) as object;
}

let document: object | undefined;
const spec = () => (document ??= normalizedDocument());

let validator: OpenApiValidator | undefined;
/** The OpenAI document's paths (requests and documented responses), through the shared validator. */
export function openAiSpec(): OpenApiValidator {
  validator ??= new OpenApiValidator(spec());
  return validator;
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * Errors of a value against one of the document's component schemas (`ErrorResponse`, `Model`…):
 * the document describes error bodies only as a schema, not per status, so they are checked here.
 */
export function componentErrors(name: string, value: unknown): string[] {
  if (ajv === undefined) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(spec(), 'openai');
  }
  let validate = compiled.get(name);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: `openai#/components/schemas/${name}` });
    compiled.set(name, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`);
}
