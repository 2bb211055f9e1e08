/** The PostgreSQL handoff store (DATABASE_URL set) passes the shared suite, each test in a throw-away schema. */
import { afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import { PostgresHandoffStore } from '../../src/handoff/store-postgres.js';
import { assertPostgresReachable, TEST_DATABASE_URL, uniqueSchema } from '../feedback/postgres-harness.js';
import { runHandoffStoreSuite } from './store-suite.js';

const schemas: string[] = [];
beforeAll(async () => {
  await assertPostgresReachable();
});
afterAll(async () => {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

runHandoffStoreSuite('PostgreSQL', async () => {
  const schema = uniqueSchema('test_handoff');
  schemas.push(schema);
  const store = new PostgresHandoffStore({ url: TEST_DATABASE_URL, schema, poolSize: 2 });
  await store.migrate();
  return store;
});
