import { z } from 'zod';
import { ApiError } from './api-error.js';

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).optional(),
});

/** Cursors are opaque to clients: base64url of the last id of the page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string' && decoded.after.length > 0) return decoded.after;
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, 'INVALID_CURSOR', 'cursor is not one this API handed out');
}

/** `{items, nextCursor}`: a next cursor only when the page was full. */
export function page<T extends { id: string }, J>(rows: T[], limit: number, toJson: (row: T) => J) {
  const last = rows.at(-1);
  return { items: rows.map(toJson), nextCursor: rows.length === limit && last ? encodeCursor(last.id) : null };
}
