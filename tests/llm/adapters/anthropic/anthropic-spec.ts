import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenApiValidator } from '../../../support/openapi-validator.js';

export const ANTHROPIC_SPEC_PATH = join(import.meta.dirname, '..', '..', '..', '..', 'vendor-specs', 'anthropic', 'anthropic-openapi-hosted-2024-11.json');

/**
 * What the Messages API does that the stored document (the hosted OpenAPI, Nov 2024) predates. Each is
 * added to a copy of the document only where a fixture or test names it, and each cites where it is
 * recorded (vendor-specs/anthropic/SOURCES.md "Newer behaviour NOT in the 2024 spec" and
 * claude-api-error-codes.md). Everything else is checked against the document as stored.
 */
export const SPEC_ADDITIONS = {
  /** `thinking` on the request, thinking / redacted_thinking blocks in assistant turns and answers (SOURCES.md Gaps: thinking blocks; claude-api-error-codes.md: `thinking: {type: "enabled", budget_tokens}`, `{type: "adaptive"}`, `budget_tokens < max_tokens`). */
  thinking: addThinking,
  /** `source: {type: "url", url}` images (SOURCES.md: newer than the document). */
  'image-url': addImageUrl,
  /** `tool_choice: {type: "none"}` (SOURCES.md: newer than the document). */
  'tool-choice-none': addToolChoiceNone,
  /** `stop_reason` `pause_turn` and `refusal` (SOURCES.md, "Newer behaviour"). */
  'stop-reasons': addStopReasons,
  /** `GET /v1/models` and `GET /v1/models/{model_id}`: `{data, has_more, first_id, last_id}` of `{type: "model", id, display_name, created_at}` (+ max_input_tokens, max_tokens since Mar 2026) (SOURCES.md). */
  'models-api': addModelsApi,
  /** 500 api_error and 529 overloaded_error answer with the same ErrorResponse body (claude-api-error-codes.md). */
  'server-errors': addServerErrors,
  /** 413 `request_too_large` (claude-api-error-codes.md), an error type the document's ErrorResponse does not list. */
  'request-too-large': addRequestTooLarge,
} as const;
export type SpecAddition = keyof typeof SPEC_ADDITIONS;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON document patched in place

const ERROR_STATUSES = ['400', '401', '403', '404', '413', '429'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The document's `4XX` range spelled out per status, for the validator (which looks responses up by status): not a change of the document. */
function expandRanges(document: Json): void {
  for (const operations of Object.values(document.paths as Json)) {
    for (const method of METHODS) {
      const responses = (operations as Json)[method]?.responses as Json | undefined;
      if (responses?.['4XX'] === undefined) continue;
      for (const status of ERROR_STATUSES) responses[status] ??= responses['4XX'];
    }
  }
}

/**
 * `Model` carries `"type": null` (a generator artifact: JSON Schema has no null-valued `type`, and
 * ajv refuses to compile it); the keyword is dropped, which leaves the schema's own `anyOf` of strings.
 */
function dropNullTypes(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) dropNullTypes(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Json;
  if ('type' in record && record.type === null) delete record.type;
  for (const value of Object.values(record)) dropNullTypes(value);
}

function addThinking(document: Json): void {
  const schemas = document.components.schemas;
  schemas.RequestThinkingBlock = { type: 'object', additionalProperties: false, required: ['type', 'thinking', 'signature'], properties: { type: { const: 'thinking' }, thinking: { type: 'string' }, signature: { type: 'string' } } };
  schemas.RequestRedactedThinkingBlock = { type: 'object', additionalProperties: false, required: ['type', 'data'], properties: { type: { const: 'redacted_thinking' }, data: { type: 'string' } } };
  schemas.ResponseThinkingBlock = { type: 'object', required: ['type', 'thinking', 'signature'], properties: { type: { const: 'thinking' }, thinking: { type: 'string' }, signature: { type: 'string' } } };
  schemas.ResponseRedactedThinkingBlock = { type: 'object', required: ['type', 'data'], properties: { type: { const: 'redacted_thinking' }, data: { type: 'string' } } };
  const items = schemas.InputMessage.properties.content.anyOf[1].items;
  items.oneOf.push({ $ref: '#/components/schemas/RequestThinkingBlock' }, { $ref: '#/components/schemas/RequestRedactedThinkingBlock' });
  items.discriminator.mapping.thinking = '#/components/schemas/RequestThinkingBlock';
  items.discriminator.mapping.redacted_thinking = '#/components/schemas/RequestRedactedThinkingBlock';
  schemas.ContentBlock.oneOf.push({ $ref: '#/components/schemas/ResponseThinkingBlock' }, { $ref: '#/components/schemas/ResponseRedactedThinkingBlock' });
  schemas.ContentBlock.discriminator.mapping.thinking = '#/components/schemas/ResponseThinkingBlock';
  schemas.ContentBlock.discriminator.mapping.redacted_thinking = '#/components/schemas/ResponseRedactedThinkingBlock';
  schemas.CreateMessageParams.properties.thinking = {
    oneOf: [
      { type: 'object', additionalProperties: false, required: ['type', 'budget_tokens'], properties: { type: { const: 'enabled' }, budget_tokens: { type: 'integer', minimum: 1024 } } },
      { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'disabled' } } },
      { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'adaptive' } } },
    ],
  };
}

function addImageUrl(document: Json): void {
  const schemas = document.components.schemas;
  schemas.URLImageSource = { type: 'object', additionalProperties: false, required: ['type', 'url'], properties: { type: { const: 'url' }, url: { type: 'string' } } };
  schemas.RequestImageBlock.properties.source.oneOf.push({ $ref: '#/components/schemas/URLImageSource' });
  schemas.RequestImageBlock.properties.source.discriminator.mapping.url = '#/components/schemas/URLImageSource';
}

function addToolChoiceNone(document: Json): void {
  const schemas = document.components.schemas;
  schemas.ToolChoiceNone = { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'none' } } };
  schemas.ToolChoice.oneOf.push({ $ref: '#/components/schemas/ToolChoiceNone' });
  schemas.ToolChoice.discriminator.mapping.none = '#/components/schemas/ToolChoiceNone';
}

function addStopReasons(document: Json): void {
  document.components.schemas.Message.properties.stop_reason.anyOf[0].enum.push('pause_turn', 'refusal');
}

function addModelsApi(document: Json): void {
  const schemas = document.components.schemas;
  const nullableInteger = { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] };
  schemas.ModelInfo = {
    type: 'object',
    required: ['type', 'id', 'display_name', 'created_at'],
    properties: { type: { const: 'model' }, id: { type: 'string' }, display_name: { type: 'string' }, created_at: { type: 'string', format: 'date-time' }, max_input_tokens: nullableInteger, max_tokens: nullableInteger },
  };
  schemas.ListResponse_ModelInfo_ = {
    type: 'object',
    required: ['data', 'has_more', 'first_id', 'last_id'],
    properties: { data: { type: 'array', items: { $ref: '#/components/schemas/ModelInfo' } }, has_more: { type: 'boolean' }, first_id: { anyOf: [{ type: 'string' }, { type: 'null' }] }, last_id: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
  };
  const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };
  const answers = (schema: string): Json => ({ '200': { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } }, '4XX': error });
  document.paths['/v1/models'] = { get: { responses: answers('ListResponse_ModelInfo_') } };
  document.paths['/v1/models/{model_id}'] = { get: { responses: answers('ModelInfo') } };
}

function addServerErrors(document: Json): void {
  for (const operations of Object.values(document.paths as Json)) {
    for (const method of METHODS) {
      const responses = (operations as Json)[method]?.responses as Json | undefined;
      if (responses?.['4XX'] === undefined) continue;
      responses['500'] ??= responses['4XX'];
      responses['529'] ??= responses['4XX'];
    }
  }
}

function addRequestTooLarge(document: Json): void {
  const schemas = document.components.schemas;
  schemas.RequestTooLargeError = { type: 'object', required: ['type', 'message'], properties: { type: { const: 'request_too_large' }, message: { type: 'string' } } };
  schemas.ErrorResponse.properties.error.oneOf.push({ $ref: '#/components/schemas/RequestTooLargeError' });
  schemas.ErrorResponse.properties.error.discriminator.mapping.request_too_large = '#/components/schemas/RequestTooLargeError';
}

const validators = new Map<string, OpenApiValidator>();
let stored: Json | undefined;

/**
 * A validator over the stored document with exactly the named additions (none: the document as
 * stored, with only its `4XX` ranges spelled out and `Model`'s null `type` dropped). Built once per
 * set of additions.
 */
export function anthropicSpec(additions: readonly SpecAddition[] = []): OpenApiValidator {
  const key = [...new Set(additions)].sort().join(',');
  let validator = validators.get(key);
  if (validator === undefined) {
    stored ??= JSON.parse(readFileSync(ANTHROPIC_SPEC_PATH, 'utf8')) as Json;
    const document = structuredClone(stored);
    // Models first: the error additions then reach its paths too.
    const ordered = [...new Set(additions)].sort((a, b) => (a === 'models-api' ? -1 : b === 'models-api' ? 1 : a.localeCompare(b)));
    for (const addition of ordered) SPEC_ADDITIONS[addition](document);
    expandRanges(document);
    dropNullTypes(document);
    validator = new OpenApiValidator(document);
    validators.set(key, validator);
  }
  return validator;
}

/** Every addition: what the emulator's traffic as a whole is checked against. */
export const ALL_SPEC_ADDITIONS = Object.keys(SPEC_ADDITIONS) as SpecAddition[];
