/** An in-memory inbox with the same semantics as the SQLite one, for tests and throwaway runs. */
import type { InboxCounts, InboxItem, InboxOutcome, InboxStore, NewInboxItem } from './inbox-store.js';

interface Entry {
  item: InboxItem;
  status: 'pending' | 'done' | 'failed';
  error: string | null;
  finishedAt: number | null;
}

export class MemoryInboxStore implements InboxStore {
  private readonly entries = new Map<number, Entry>();
  private readonly keys = new Map<string, number>();
  private nextSeq = 1;

  async add(items: readonly NewInboxItem[]): Promise<InboxItem[]> {
    const added: InboxItem[] = [];
    for (const it of items) {
      const key = `${it.channel}\u0000${it.externalId}`;
      if (this.keys.has(key)) continue;
      const item: InboxItem = { ...it, seq: this.nextSeq++, attempts: 0, sentCount: 0, turnId: null, notBefore: 0 };
      this.keys.set(key, item.seq);
      this.entries.set(item.seq, { item, status: 'pending', error: null, finishedAt: null });
      added.push({ ...item });
    }
    return added;
  }

  async unfinished(afterSeq = 0): Promise<InboxItem[]> {
    return [...this.entries.values()].filter((e) => e.status === 'pending' && e.item.seq > afterSeq).map((e) => ({ ...e.item }));
  }

  async recordProgress(seq: number, sentCount: number): Promise<void> {
    const e = this.entries.get(seq);
    if (e) e.item.sentCount = sentCount;
  }

  async rememberTurn(seq: number, turnId: string): Promise<void> {
    const e = this.entries.get(seq);
    if (e) e.item.turnId = turnId;
  }

  async postpone(seq: number, notBefore: number, error: string): Promise<void> {
    const e = this.entries.get(seq);
    if (!e) return;
    e.item.attempts += 1;
    e.item.notBefore = notBefore;
    e.error = error;
  }

  async finish(seq: number, outcome: InboxOutcome): Promise<void> {
    const e = this.entries.get(seq);
    if (!e) return;
    e.status = outcome.status;
    e.error = outcome.status === 'failed' ? outcome.error : null;
    e.finishedAt = Date.now();
    e.item.payload = '{}';
  }

  async counts(): Promise<InboxCounts> {
    const counts: InboxCounts = { pending: 0, done: 0, failed: 0 };
    for (const e of this.entries.values()) counts[e.status] += 1;
    return counts;
  }

  async pruneFinished(before: number): Promise<number> {
    let n = 0;
    for (const [seq, e] of this.entries) {
      if (e.status !== 'pending' && (e.finishedAt ?? 0) < before) {
        this.entries.delete(seq);
        this.keys.delete(`${e.item.channel}\u0000${e.item.externalId}`);
        n += 1;
      }
    }
    return n;
  }
}
