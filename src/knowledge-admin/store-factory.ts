/** Chooses the store of knowledge edits from configuration and migrates it before handing it out. */
import { join, resolve } from 'node:path';
import { migratedStore } from '../storage/migrated-store.js';
import type { KnowledgeAdminConfig } from './config.js';
import { PostgresKnowledgeEditStore } from './store-postgres.js';
import { SqliteKnowledgeEditStore } from './store-sqlite.js';
import type { KnowledgeEditStore } from './store.js';

export const KNOWLEDGE_SQLITE_FILE = 'knowledge-edits.sqlite';

export async function createKnowledgeEditStore(
  config: Pick<KnowledgeAdminConfig, 'DATA_DIR' | 'DATABASE_URL' | 'DATABASE_SCHEMA'>,
  onError?: (line: string) => void,
): Promise<KnowledgeEditStore> {
  const store: KnowledgeEditStore = config.DATABASE_URL
    ? new PostgresKnowledgeEditStore({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, onError })
    : new SqliteKnowledgeEditStore(join(resolve(config.DATA_DIR), KNOWLEDGE_SQLITE_FILE));
  return migratedStore(store);
}
