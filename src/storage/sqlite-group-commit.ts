/**
 * Group commit for SQLite writes: every write asked for during one turn of the event loop runs in a single
 * transaction at the next `setImmediate`, and each caller's promise settles after that commit. Callers still
 * wait until their write is committed (the webhook acknowledges only then), but with many concurrent webhook
 * requests and workers one commit covers dozens of writes instead of one commit each.
 */
import type { SqliteDatabase } from './sqlite-database.js';

interface PendingWrite {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export class SqliteGroupCommit {
  private queue: PendingWrite[] = [];
  private scheduled = false;

  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Runs `write` inside the next shared transaction. A write made of several statements that must be atomic
   * wraps them in `db.transaction()` itself (nested, so a savepoint); a write that throws fails alone.
   */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (!this.db.open) {
      for (const w of batch) w.reject(new Error('SQLite database is closed'));
      return;
    }
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    try {
      this.db.transaction(() => {
        for (const w of batch) {
          try {
            outcomes.push({ ok: true, value: w.write() });
          } catch (err) {
            outcomes.push({ ok: false, value: err });
          }
        }
      })();
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => (outcomes[i]!.ok ? w.resolve(outcomes[i]!.value) : w.reject(outcomes[i]!.value)));
  }
}
