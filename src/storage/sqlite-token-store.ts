/** Platform tokens in the embedded SQLite database (one row per account name). */
import type { StoredTokens, TokenStore } from './token-store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';

interface Row {
  access_token: string;
  refresh_token: string | null;
  expires_at: number | null;
  seed: string;
  updated_at: number;
}

export class SqliteTokenStore implements TokenStore {
  private readonly select;
  private readonly upsert;
  private readonly lock;
  private readonly unlock;
  private readonly seed;

  constructor(
    db: SqliteDatabase,
    private readonly commits = new SqliteGroupCommit(db),
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS platform_tokens (
      name TEXT PRIMARY KEY,
      access_token TEXT NOT NULL,
      refresh_token TEXT,
      expires_at INTEGER,
      seed TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`);
    db.exec(`CREATE TABLE IF NOT EXISTS platform_token_locks (
      name TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      until INTEGER NOT NULL
    )`);
    this.lock = db.prepare<[string, string, number, string, number]>(
      `INSERT INTO platform_token_locks (name, holder, until) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
       WHERE platform_token_locks.holder = ? OR platform_token_locks.until < ?`,
    );
    this.unlock = db.prepare<[string, string]>(`DELETE FROM platform_token_locks WHERE name = ? AND holder = ?`);
    this.select = db.prepare<[string], Row>(`SELECT * FROM platform_tokens WHERE name = ?`);
    this.upsert = db.prepare<[string, string, string | null, number | null, string, number]>(
      `INSERT INTO platform_tokens (name, access_token, refresh_token, expires_at, seed, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
         expires_at = excluded.expires_at, seed = excluded.seed, updated_at = excluded.updated_at`,
    );
    this.seed = db.prepare<[string, string, string | null, number | null, string, number]>(
      `INSERT INTO platform_tokens (name, access_token, refresh_token, expires_at, seed, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
         expires_at = excluded.expires_at, seed = excluded.seed, updated_at = excluded.updated_at
       WHERE platform_tokens.seed <> excluded.seed`,
    );
  }

  async load(name: string): Promise<StoredTokens | undefined> {
    const r = this.select.get(name);
    return r && {
      accessToken: r.access_token,
      refreshToken: r.refresh_token,
      expiresAt: r.expires_at,
      seed: r.seed,
      updatedAt: r.updated_at,
    };
  }

  async save(name: string, t: StoredTokens): Promise<void> {
    await this.commits.run(() => this.upsert.run(name, t.accessToken, t.refreshToken, t.expiresAt, t.seed, t.updatedAt));
  }

  async seedChain(name: string, t: StoredTokens): Promise<StoredTokens> {
    await this.commits.run(() => this.seed.run(name, t.accessToken, t.refreshToken, t.expiresAt, t.seed, t.updatedAt));
    return (await this.load(name))!;
  }

  async acquireRefreshLock(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    return this.commits.run(() => this.lock.run(name, holder, now + ttlMs, holder, now).changes === 1);
  }

  async releaseRefreshLock(name: string, holder: string): Promise<void> {
    await this.commits.run(() => this.unlock.run(name, holder));
  }
}
