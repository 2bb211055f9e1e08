/** The SQLite handoff store (the default, DATA_DIR/handoff.sqlite) passes the shared suite. */
import { SqliteHandoffStore } from '../../src/handoff/store-sqlite.js';
import { runHandoffStoreSuite } from './store-suite.js';

runHandoffStoreSuite('SQLite', async () => SqliteHandoffStore.inDataDir(':memory:'));
