/** A store is handed out only once its tables exist; a store that cannot migrate is closed, not leaked. */
export interface MigratableStore {
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export async function migratedStore<S extends MigratableStore>(store: S): Promise<S> {
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
