/**
 * Platform tokens on PostgreSQL, shared by every instance: one row per account, and a refresh lock row so
 * that only one instance spends the single-use Zalo refresh token; the others wait and reload the new pair.
 * Lock expiry uses the database clock.
 */
import type pg from 'pg';
import { DB_NOW_MS } from './postgres-database.js';
import type { StoredTokens, TokenStore } from './token-store.js';

interface Row {
  access_token: string;
  refresh_token: string | null;
  expires_at: string | null;
  seed: string;
  updated_at: string;
}

const UPSERT = `
INSERT INTO platform_tokens (name, access_token, refresh_token, expires_at, seed, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (name) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
  expires_at = excluded.expires_at, seed = excluded.seed, updated_at = excluded.updated_at`;

export class PostgresTokenStore implements TokenStore {
  constructor(private readonly pool: pg.Pool) {}

  async load(name: string): Promise<StoredTokens | undefined> {
    const r = (await this.pool.query<Row>(`SELECT * FROM platform_tokens WHERE name = $1`, [name])).rows[0];
    return (
      r && {
        accessToken: r.access_token,
        refreshToken: r.refresh_token,
        expiresAt: r.expires_at === null ? null : Number(r.expires_at),
        seed: r.seed,
        updatedAt: Number(r.updated_at),
      }
    );
  }

  async save(name: string, t: StoredTokens): Promise<void> {
    await this.pool.query(UPSERT, [name, t.accessToken, t.refreshToken, t.expiresAt, t.seed, t.updatedAt]);
  }

  async seedChain(name: string, t: StoredTokens): Promise<StoredTokens> {
    await this.pool.query(`${UPSERT} WHERE platform_tokens.seed <> excluded.seed`, [name, t.accessToken, t.refreshToken, t.expiresAt, t.seed, t.updatedAt]);
    return (await this.load(name))!;
  }

  async acquireRefreshLock(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO platform_token_locks (name, holder, until) VALUES ($1, $2, ${DB_NOW_MS} + $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
       WHERE platform_token_locks.holder = $2 OR platform_token_locks.until < ${DB_NOW_MS}`,
      [name, holder, ttlMs],
    );
    return r.rowCount === 1;
  }

  async releaseRefreshLock(name: string, holder: string): Promise<void> {
    await this.pool.query(`DELETE FROM platform_token_locks WHERE name = $1 AND holder = $2`, [name, holder]);
  }
}
