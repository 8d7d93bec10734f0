import type { z } from 'zod';
import { RuntimeError } from '../core/runtime-errors.js';

/** `messages[0].content[1].type` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text.length === 0 ? String(segment) : `.${String(segment)}`;
  }
  return text.length === 0 ? '(the request)' : text;
}

/**
 * A request the runtime refused before any vendor saw it: it does not match the canonical schema.
 * `code` is INVALID_REQUEST like a vendor's refusal; `field` names the first offending field and
 * `issues` every one.
 */
export class InvalidRequestError extends RuntimeError {
  readonly code = 'INVALID_REQUEST' as const;
  readonly retryable = false;
  readonly field: string;
  readonly issues: readonly { field: string; message: string }[];

  constructor(issues: readonly { field: string; message: string }[]) {
    const [first] = issues;
    super(`invalid request: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`);
    this.name = 'InvalidRequestError';
    this.field = first?.field ?? '(the request)';
    this.issues = issues;
  }

  static fromZod(error: z.ZodError): InvalidRequestError {
    return new InvalidRequestError(error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message })));
  }
}
