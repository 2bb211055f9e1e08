import { beforeAll } from 'vitest';
import { runTurnLogStoreSuite } from './store-suite.js';
import { assertPostgresReachable, openPostgresStore, uniqueSchema } from './postgres-harness.js';

beforeAll(assertPostgresReachable);

runTurnLogStoreSuite('postgres', async () => {
  const schema = uniqueSchema();
  const store = await openPostgresStore(schema);
  return {
    store,
    reopen: () => openPostgresStore(schema),
    destroy: async () => {
      await store.dropSchema();
      await store.close();
    },
  };
});
