import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { Database } from '../store/database-schema.js';
import type { ApiScope } from './api-scopes.js';

export interface ApiToken {
  id: string;
  name: string;
  scopes: ApiScope[];
  createdAt: string;
  lastUsedAt: string | null;
}

/** A token is `hgr_` and 43 characters of base64url: 256 random bits, so a fast hash is enough to store it. */
export function newTokenSecret(): string {
  return `hgr_${randomBytes(32).toString('base64url')}`;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** How often a token's `last_used_at` is written at most: every request would be a write. */
const LAST_USED_EVERY_MS = 60_000;

/** API tokens in the store: created (the secret answered once, only its hash kept), listed without secrets, revoked by deleting the row. */
export class TokenStore {
  private count: number | null = null;
  private readonly lastWritten = new Map<string, number>();

  constructor(private readonly db: Kysely<Database>) {}

  /** How many tokens exist (cached; authentication is on as soon as one does). */
  async size(): Promise<number> {
    if (this.count === null) {
      const row = await this.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      this.count = Number(row.count);
    }
    return this.count;
  }

  async create(name: string, scopes: readonly ApiScope[], secret: string = newTokenSecret()): Promise<ApiToken & { token: string }> {
    const token = { id: newId('tok'), name, scopes: [...new Set(scopes)], createdAt: new Date().toISOString(), lastUsedAt: null };
    await this.db.insertInto('api_tokens').values({ id: token.id, name, token_hash: tokenHash(secret), scopes: JSON.stringify(token.scopes), created_at: token.createdAt, last_used_at: null }).execute();
    this.count = null;
    return { ...token, token: secret };
  }

  /** The bootstrap admin token (HANGAR_ADMIN_TOKEN): stored once; the same secret at the next start finds its row. */
  async ensure(name: string, scopes: readonly ApiScope[], secret: string): Promise<{ created: boolean }> {
    if ((await this.findBySecret(secret)) !== null) return { created: false };
    await this.create(name, scopes, secret);
    return { created: true };
  }

  async findBySecret(secret: string): Promise<ApiToken | null> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash(secret)).executeTakeFirst();
    return row === undefined ? null : toToken(row);
  }

  async list(): Promise<ApiToken[]> {
    return (await this.db.selectFrom('api_tokens').selectAll().orderBy('id').execute()).map(toToken);
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    this.count = null;
    this.lastWritten.delete(id);
    return Number(result.numDeletedRows) > 0;
  }

  /** Records a use, at most once a minute per token. */
  async touch(id: string, now = Date.now()): Promise<void> {
    const last = this.lastWritten.get(id);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
    this.lastWritten.set(id, now);
    await this.db.updateTable('api_tokens').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', id).execute();
  }
}

function toToken(row: { id: string; name: string; scopes: string; created_at: string; last_used_at: string | null }): ApiToken {
  return { id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as ApiScope[], createdAt: row.created_at, lastUsedAt: row.last_used_at };
}
