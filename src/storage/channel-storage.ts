/**
 * Factory for the stores the channels need, keyed by configuration:
 *
 * | store                        | default (one instance)            | shared by several instances     |
 * |------------------------------|-----------------------------------|---------------------------------|
 * | inbox, dedup, claims, tokens | SQLite under DATA_DIR (`memory`)  | PostgreSQL (DATABASE_URL)       |
 * | conversation state           | SQLite under DATA_DIR (`memory`)  | Redis (REDIS_URL)               |
 * | conversation lock            | in-memory                         | Redis (REDIS_URL)               |
 * | rate limits                  | in-memory                         | Redis (REDIS_URL)               |
 *
 * `memory` keeps everything in the process, for tests.
 */
import { join } from 'node:path';
import { MemoryStorage, type Storage } from 'botbuilder';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { SharedStorageConfig } from './config.js';
import type { InboxStore } from './inbox-store.js';
import { MemoryInboxStore } from './memory-inbox-store.js';
import { disableBlockingBusyWait, openSqliteDatabase, type SqliteDatabase } from './sqlite-database.js';
import { SqliteInboxStore } from './sqlite-inbox-store.js';
import { SqliteTokenStore } from './sqlite-token-store.js';
import { SqliteBotStateStorage } from './sqlite-bot-state-storage.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';
import { MemoryConversationLock, type ConversationLock } from './conversation-lock.js';
import { MemoryRateLimiter, type RateLimiter, type RateLimits } from './rate-limiter.js';
import { createPostgresPool, migrateChannelTables } from './postgres-database.js';
import { PostgresInboxStore } from './postgres-inbox-store.js';
import { PostgresTokenStore } from './postgres-token-store.js';
import { createRedisClient } from './redis-client.js';
import { RedisBotStateStorage } from './redis-bot-state-storage.js';
import { RedisConversationLock } from './redis-conversation-lock.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

export type ChannelStorageBackend = 'sqlite' | 'memory';

export interface ChannelStorageOptions {
  /** The embedded backend used for whatever `shared` does not cover. */
  backend: ChannelStorageBackend;
  dataDir: string;
  shared?: SharedStorageConfig;
  rateLimits: RateLimits;
  /** Conversation state idle this long is forgotten (Redis: key expiry; SQLite: pruneBotState). */
  botStateTtlMs: number;
  onError?: (line: string) => void;
}

export interface ChannelStorage {
  inbox: InboxStore;
  tokens: TokenStore;
  botState: Storage;
  lock: ConversationLock;
  rateLimiter: RateLimiter;
  /** Backends in use, for the start-up log. */
  backends: { inbox: 'sqlite' | 'memory' | 'postgres'; state: 'sqlite' | 'memory' | 'redis' };
  /** True when other processes may store into and answer from the same inbox (PostgreSQL). */
  sharedInbox: boolean;
  /** Connects and creates missing tables; call once before use. */
  init(): Promise<void>;
  /** Deletes bot state of conversations idle since before `before` (ms since epoch). */
  pruneBotState(before: number): Promise<number>;
  close(): Promise<void>;
}

export const CHANNEL_DB_FILE = 'channels.sqlite';

export function createChannelStorage(options: ChannelStorageOptions): ChannelStorage {
  const { postgres, redis: redisConfig } = options.shared ?? { postgres: null, redis: null };
  const needsSqlite = options.backend === 'sqlite' && (!postgres || !redisConfig);
  let db: SqliteDatabase | undefined;
  let commits: SqliteGroupCommit | undefined;
  if (needsSqlite) {
    db = openSqliteDatabase(join(options.dataDir, CHANNEL_DB_FILE));
    commits = new SqliteGroupCommit(db);
  }
  const pool: pg.Pool | undefined = postgres ? createPostgresPool(postgres, options.onError) : undefined;
  const redis: Redis | undefined = redisConfig ? createRedisClient(redisConfig, options.onError) : undefined;

  let inbox: InboxStore;
  let tokens: TokenStore;
  if (pool) {
    inbox = new PostgresInboxStore(pool);
    tokens = new PostgresTokenStore(pool);
  } else if (db) {
    inbox = new SqliteInboxStore(db, commits);
    tokens = new SqliteTokenStore(db, commits);
  } else {
    inbox = new MemoryInboxStore();
    tokens = new MemoryTokenStore();
  }

  let botState: Storage;
  let pruneBotState: (before: number) => Promise<number> = async () => 0;
  if (redis) botState = new RedisBotStateStorage(redis, redisConfig!.keyPrefix, options.botStateTtlMs);
  else if (db) {
    const sqliteState = new SqliteBotStateStorage(db, commits);
    botState = sqliteState;
    pruneBotState = (before) => sqliteState.pruneOlderThan(before);
  } else botState = new MemoryStorage();

  const lock: ConversationLock = redis ? new RedisConversationLock(redis, redisConfig!.keyPrefix) : new MemoryConversationLock();
  const rateLimiter: RateLimiter = redis
    ? new RedisRateLimiter(redis, redisConfig!.keyPrefix, options.rateLimits)
    : new MemoryRateLimiter(options.rateLimits);
  if (db) disableBlockingBusyWait(db);

  let closed = false;
  return {
    inbox,
    tokens,
    botState,
    lock,
    rateLimiter,
    backends: { inbox: pool ? 'postgres' : db ? 'sqlite' : 'memory', state: redis ? 'redis' : db ? 'sqlite' : 'memory' },
    sharedInbox: Boolean(pool),
    async init() {
      if (pool) await migrateChannelTables(pool, postgres!.schema);
    },
    pruneBotState,
    async close() {
      if (closed) return;
      closed = true;
      db?.close();
      await pool?.end().catch(() => undefined);
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
