import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTurnLogStore } from '../../src/feedback/store-sqlite.js';
import { runTurnLogStoreSuite } from './store-suite.js';

runTurnLogStoreSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'turnlog-sqlite-'));
  const file = join(dir, 'feedback.sqlite');
  const open = async () => {
    const s = new SqliteTurnLogStore(file);
    await s.migrate();
    return s;
  };
  const store = await open();
  return {
    store,
    reopen: open,
    destroy: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
