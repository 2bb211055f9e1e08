/**
 * PostgreSQL for the channel stores in tests: one throw-away schema per test file (see
 * test/feedback/postgres-harness.ts for the server), migrated like at start-up, dropped afterwards.
 */
import pg from 'pg';
import { createPostgresPool, migrateChannelTables } from '../../src/storage/postgres-database.js';
import { TEST_DATABASE_URL, uniqueSchema } from '../feedback/postgres-harness.js';

export { assertPostgresReachable, TEST_DATABASE_URL, uniqueSchema } from '../feedback/postgres-harness.js';

export async function openChannelPool(schema: string, poolSize = 4): Promise<pg.Pool> {
  const pool = createPostgresPool({ url: TEST_DATABASE_URL, schema, poolSize });
  await migrateChannelTables(pool, schema);
  return pool;
}

export function uniqueChannelSchema(): string {
  return uniqueSchema('test_channels');
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
