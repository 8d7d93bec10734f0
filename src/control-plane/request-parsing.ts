import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** Parses a JSON body: 400 for text that is not JSON, 422 naming every field that breaks the schema. */
export async function parseJsonBody<T>(c: Context, schema: z.ZodType<T>, options: { optional?: boolean } = {}): Promise<T> {
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
  return parseWith(schema, raw, 'body');
}

export function parseWith<T>(schema: z.ZodType<T>, raw: unknown, where: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new ApiError(422, 'VALIDATION_ERROR', `invalid ${where}: ${summary}`, { issues });
}
