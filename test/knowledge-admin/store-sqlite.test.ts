import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteKnowledgeEditStore } from '../../src/knowledge-admin/store-sqlite.js';
import { runKnowledgeStoreSuite } from './store-suite.js';

runKnowledgeStoreSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-edits-sqlite-'));
  const file = join(dir, 'knowledge-edits.sqlite');
  const open = async () => {
    const s = new SqliteKnowledgeEditStore(file);
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
