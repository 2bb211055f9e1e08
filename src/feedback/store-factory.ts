/** Chooses the turn log backend from configuration and runs its migrations before handing it out. */
import { join, resolve } from 'node:path';
import { migratedStore } from '../storage/migrated-store.js';
import { PostgresTurnLogStore } from './store-postgres.js';
import { SqliteTurnLogStore } from './store-sqlite.js';
import type { TurnLogStore } from './store.js';
import type { FeedbackConfig } from './config.js';

export const SQLITE_FILE_NAME = 'feedback.sqlite';

export async function createTurnLogStore(
  config: Pick<FeedbackConfig, 'DATA_DIR' | 'DATABASE_URL' | 'DATABASE_SCHEMA'>,
  onError?: (line: string) => void,
): Promise<TurnLogStore> {
  const store: TurnLogStore = config.DATABASE_URL
    ? new PostgresTurnLogStore({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, onError })
    : new SqliteTurnLogStore(join(resolve(config.DATA_DIR), SQLITE_FILE_NAME));
  return migratedStore(store);
}
