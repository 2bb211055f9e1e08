/**
 * Factory for the stores the channels need, keyed by backend. `sqlite` (default) keeps everything in one
 * file under DATA_DIR; `memory` is for tests. A PostgreSQL backend will implement the same interfaces.
 */
import { join } from 'node:path';
import { MemoryStorage, type Storage } from 'botbuilder';
import type { InboxStore } from './inbox-store.js';
import { MemoryInboxStore } from './memory-inbox-store.js';
import { disableBlockingBusyWait, openSqliteDatabase } from './sqlite-database.js';
import { SqliteInboxStore } from './sqlite-inbox-store.js';
import { SqliteTokenStore } from './sqlite-token-store.js';
import { SqliteBotStateStorage } from './sqlite-bot-state-storage.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';

export type ChannelStorageBackend = 'sqlite' | 'memory';

export interface ChannelStorage {
  inbox: InboxStore;
  tokens: TokenStore;
  botState: Storage;
  /** Deletes bot state of conversations idle since before `before` (ms since epoch). */
  pruneBotState(before: number): Promise<number>;
  close(): void;
}

export const CHANNEL_DB_FILE = 'channels.sqlite';

export function createChannelStorage(options: { backend: ChannelStorageBackend; dataDir: string }): ChannelStorage {
  if (options.backend === 'memory') {
    return {
      inbox: new MemoryInboxStore(),
      tokens: new MemoryTokenStore(),
      botState: new MemoryStorage(),
      pruneBotState: async () => 0,
      close: () => {},
    };
  }
  const db = openSqliteDatabase(join(options.dataDir, CHANNEL_DB_FILE));
  const commits = new SqliteGroupCommit(db);
  const botState = new SqliteBotStateStorage(db, commits);
  const inbox = new SqliteInboxStore(db, commits);
  const tokens = new SqliteTokenStore(db, commits);
  disableBlockingBusyWait(db);
  return {
    inbox,
    tokens,
    botState,
    pruneBotState: (before) => botState.pruneOlderThan(before),
    close: () => db.close(),
  };
}
