/**
 * Opens an embedded SQLite database: the channel stores (inbox, tokens, bot state), the turn log, the
 * knowledge edits and the handoff store all open their files this way.
 *
 * WAL with synchronous=NORMAL: a committed transaction is in the WAL file (the OS page cache) before the call
 * returns, so it survives a crash or `kill -9` of the process; only a power cut or kernel crash can drop the
 * last transactions. That is the durability the webhooks need ("acknowledged means stored") without an fsync
 * per message.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** A numbered schema step; a store lists its steps in order and each runs once. */
export interface SqliteMigration {
  version: number;
  statements: readonly string[];
}

export function openSqliteDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * After the schema is in place, stop SQLite's busy handler from sleeping inside a synchronous call (it
 * would freeze the event loop while another process holds the write lock): runtime writes go through
 * SqliteGroupCommit, which retries asynchronously, and WAL readers do not wait for writers.
 */
export function disableBlockingBusyWait(db: SqliteDatabase): void {
  db.pragma('busy_timeout = 0');
}

/**
 * Applies the steps not yet recorded in `table`, each in its own immediate transaction with its record, so
 * two processes opening the same file never apply a step twice.
 */
export function applySqliteMigrations(db: SqliteDatabase, table: string, migrations: readonly SqliteMigration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`);
  const applied = new Set((db.prepare(`SELECT version FROM ${table}`).all() as Array<{ version: number }>).map((r) => Number(r.version)));
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      for (const statement of m.statements) db.exec(statement);
      db.prepare(`INSERT INTO ${table} (version, applied_at) VALUES (?, ?)`).run(m.version, Date.now());
    }).immediate();
  }
}
