import { type RouteConfig, z } from '@hono/zod-openapi';

type RequestBodyConfig = NonNullable<NonNullable<RouteConfig['request']>['body']>;
/** A media type's schema as plain JSON Schema (the document's own type for it). */
type PlainSchema = Exclude<Extract<RequestBodyConfig['content'][string], { schema?: unknown }>['schema'], z.ZodType | undefined>;

/**
 * Documents a JSON request body from its zod schema without handing it to @hono/zod-openapi's validator.
 * Hangar reads bodies as JSON whatever the Content-Type and answers text that is not JSON with 400
 * `MALFORMED_JSON` (`parseJsonBody`); the framework's validator would answer 415 or a bare 400 instead.
 * Giving the schema as plain JSON Schema (not a zod type) is what keeps the validator out.
 */
export function jsonRequestBody(schema: z.ZodType, options: { description: string; required: boolean }) {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  return {
    description: options.description,
    required: options.required,
    content: { 'application/json': { schema: jsonSchema as PlainSchema } },
  };
}
