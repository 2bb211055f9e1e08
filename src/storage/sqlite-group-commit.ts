/**
 * Group commit for SQLite writes: every write asked for during one turn of the event loop runs in a single
 * transaction at the next `setImmediate`, and each caller's promise settles after that commit. Callers still
 * wait until their write is committed (the webhook acknowledges only then), but with many concurrent webhook
 * requests and workers one commit covers dozens of writes instead of one commit each.
 *
 * When another process holds the write lock (web and worker processes on one file), the batch is retried a
 * millisecond later instead of letting SQLite's busy handler sleep, which would block the event loop.
 */
import type { SqliteDatabase } from './sqlite-database.js';

interface PendingWrite {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** Give up on the write lock after this long; the callers see the error (a webhook then answers 500). */
const MAX_LOCK_WAIT_MS = 5_000;

function isBusy(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('SQLITE_BUSY');
}

export class SqliteGroupCommit {
  private queue: PendingWrite[] = [];
  private scheduled = false;
  private waitingSince = 0;

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
      // IMMEDIATE takes the write lock up front: a busy lock fails before any write ran.
      this.db
        .transaction(() => {
          for (const w of batch) {
            try {
              outcomes.push({ ok: true, value: w.write() });
            } catch (err) {
              if (isBusy(err)) throw err;
              outcomes.push({ ok: false, value: err });
            }
          }
        })
        .immediate();
    } catch (err) {
      if (isBusy(err) && this.retryLater(batch)) return;
      this.waitingSince = 0;
      for (const w of batch) w.reject(err);
      return;
    }
    this.waitingSince = 0;
    batch.forEach((w, i) => (outcomes[i]!.ok ? w.resolve(outcomes[i]!.value) : w.reject(outcomes[i]!.value)));
  }

  /** Puts the batch back in front and tries again shortly; false once the lock has been busy too long. */
  private retryLater(batch: PendingWrite[]): boolean {
    const now = Date.now();
    this.waitingSince ||= now;
    if (now - this.waitingSince > MAX_LOCK_WAIT_MS) return false;
    this.queue = [...batch, ...this.queue];
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.flush(), 1 + Math.random() * 2);
    }
    return true;
  }
}
