import { beforeAll } from 'vitest';
import { PostgresKnowledgeEditStore } from '../../src/knowledge-admin/store-postgres.js';
import { assertPostgresReachable, TEST_DATABASE_URL, uniqueSchema } from '../feedback/postgres-harness.js';
import { runKnowledgeStoreSuite } from './store-suite.js';

beforeAll(assertPostgresReachable);

async function open(schema: string): Promise<PostgresKnowledgeEditStore> {
  const store = new PostgresKnowledgeEditStore({ url: TEST_DATABASE_URL, schema, poolSize: 3 });
  await store.migrate();
  return store;
}

runKnowledgeStoreSuite('postgres', async () => {
  const schema = uniqueSchema('test_kb_edits');
  const store = await open(schema);
  return {
    store,
    reopen: () => open(schema),
    destroy: async () => {
      await store.dropSchema();
      await store.close();
    },
  };
});
