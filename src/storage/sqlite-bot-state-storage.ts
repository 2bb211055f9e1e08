/**
 * botbuilder `Storage` over SQLite: conversation state (the choices offered in the last reply) survives a
 * restart. Same eTag rules as botbuilder's MemoryStorage: '*' or no eTag overwrites, any other eTag must
 * match the stored one.
 */
import type { Storage, StoreItems } from 'botbuilder';
import { AppError } from '../errors/app-error.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';

interface Row {
  key: string;
  value: string;
  etag: string;
}

export class SqliteBotStateStorage implements Storage {
  private readonly select;
  private readonly upsert;
  private readonly remove;
  private readonly deleteOlder;
  private readonly writeAll;

  constructor(
    db: SqliteDatabase,
    private readonly commits = new SqliteGroupCommit(db),
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS bot_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      etag TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`);
    this.select = db.prepare<[string], Row>(`SELECT key, value, etag FROM bot_state WHERE key = ?`);
    this.upsert = db.prepare<[string, string, string, number]>(
      `INSERT INTO bot_state (key, value, etag, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare<[string]>(`DELETE FROM bot_state WHERE key = ?`);
    this.deleteOlder = db.prepare<[number]>(`DELETE FROM bot_state WHERE updated_at < ?`);
    const writeEach = (changes: StoreItems) => {
      for (const [key, item] of Object.entries(changes)) {
        const { eTag, ...value } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
        if (eTag !== undefined && eTag !== '*') {
          const current = this.select.get(key);
          if (current && current.etag !== eTag) {
            throw new AppError('invalid_request', `Trạng thái hội thoại đã bị thay đổi đồng thời (eTag conflict) cho khóa ${key}.`);
          }
        }
        this.upsert.run(key, JSON.stringify(value), newETag(), Date.now());
      }
    };
    // Several keys are written all or nothing; one key needs no savepoint.
    const writeBatch = db.transaction(writeEach);
    this.writeAll = (changes: StoreItems) => (Object.keys(changes).length > 1 ? writeBatch(changes) : writeEach(changes));
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      const row = this.select.get(key);
      if (row) items[key] = { ...JSON.parse(row.value), eTag: row.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await this.commits.run(() => this.writeAll(changes));
  }

  async delete(keys: string[]): Promise<void> {
    await this.commits.run(() => {
      for (const key of keys) this.remove.run(key);
    });
  }

  /** Forgets conversations idle since before `before` (ms since epoch); returns how many. */
  pruneOlderThan(before: number): Promise<number> {
    return this.commits.run(() => this.deleteOlder.run(before).changes);
  }
}

let etagCounter = 0;
function newETag(): string {
  etagCounter = (etagCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${Date.now().toString(36)}-${etagCounter.toString(36)}`;
}
