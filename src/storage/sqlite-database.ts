/**
 * Opens the embedded SQLite database shared by the channel stores (inbox, tokens, bot state).
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
