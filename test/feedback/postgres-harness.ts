/**
 * PostgreSQL for tests: DATABASE_URL or the local server, one throw-away schema per store so parallel runs
 * never collide. If the server is unreachable the test fails with a message saying so; nothing is skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresTurnLogStore } from '../../src/feedback/store-postgres.js';

export const TEST_DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export async function assertPostgresReachable(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(
      `PostgreSQL không truy cập được tại ${TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message}). ` +
        'Bộ kiểm thử lưu trữ cần PostgreSQL: khởi động máy chủ hoặc đặt DATABASE_URL.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function uniqueSchema(prefix = 'test_turnlog'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function openPostgresStore(schema: string): Promise<PostgresTurnLogStore> {
  const store = new PostgresTurnLogStore({ url: TEST_DATABASE_URL, schema, poolSize: 3 });
  await store.migrate();
  return store;
}
