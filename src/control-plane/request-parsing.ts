import type { Hook } from '@hono/zod-openapi';
import type { Context, Env } from 'hono';
import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** Parses a JSON body: 400 for text that is not JSON, 422 naming every field that breaks the schema. */
export async function parseJsonBody<T>(c: Context, schema: z.ZodType<T>, options: { optional?: boolean } = {}): Promise<T> {
  return parseWith(schema, await readJsonBody(c, options), 'body');
}

/** The body as JSON, not yet validated: 400 `MALFORMED_JSON` for text that is not JSON. */
export async function readJsonBody(c: Context, options: { optional?: boolean } = {}): Promise<unknown> {
  const text = await c.req.text();
  let raw: unknown;
  if (text.trim().length === 0 && options.optional) {
    raw = {};
  } else {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ApiError(400, 'MALFORMED_JSON', `the request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  return raw;
}

export function parseWith<T>(schema: z.ZodType<T>, raw: unknown, where: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw validationError(parsed.error, where);
}

/** 422 `VALIDATION_ERROR` naming every issue: `issues: [{path, message}]`. */
export function validationError(error: z.ZodError, where: string): ApiError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new ApiError(422, 'VALIDATION_ERROR', `invalid ${where}: ${summary}`, { issues });
}

const TARGET_NAMES: Record<string, string> = { query: 'query', param: 'path', header: 'header', json: 'body' };

/**
 * The `defaultHook` of every OpenAPIHono app: a query, path or header that breaks the route's declared
 * schema is Hangar's own 422 `VALIDATION_ERROR`, not @hono/zod-openapi's default 400 body.
 */
export const validationHook: Hook<unknown, Env, string, undefined> = (result) => {
  if (!result.success) throw validationError(result.error, TARGET_NAMES[result.target] ?? result.target);
  return undefined;
};
