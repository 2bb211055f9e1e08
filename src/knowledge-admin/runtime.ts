/**
 * Keeps the live engine on the published knowledge. `publish` builds the index of the current edits (files +
 * every saved version) in the background, swaps it in and records the publication; a failed build records a
 * failed publication and leaves the old index serving. `syncToLatest` makes this instance serve the newest
 * publication made anywhere (another instance, `npm run kb -- publish`), re-reading the knowledge/ files.
 * Every operation runs one at a time, in order.
 */
import { AppError } from '../errors/app-error.js';
import type { AnswerEngine } from '../knowledge/engine.js';
import type { KnowledgeBase } from '../knowledge/loader.js';
import { usableKnowledge } from '../knowledge/setup.js';
import type { IndexBuilder } from './builder.js';
import { effectiveKnowledge, overlayFromVersions } from './overlay.js';
import type { KnowledgeEditStore, Publication, PublicationSource } from './store.js';

export interface RuntimeLog {
  info(line: string): void;
  warn(line: string): void;
}

export interface PublicationAnnouncer {
  announce(publicationId: number): Promise<void>;
}

/** A publish whose build failed: the publication is recorded as failed and the old index keeps serving. */
export class PublishFailedError extends AppError {
  constructor(
    readonly publication: Publication,
    reason: string,
  ) {
    super('index_build_failed', `Xuất bản thất bại, câu hỏi vẫn được trả lời bằng chỉ mục cũ. Lý do: ${reason}`, { publication: publication.id });
  }
}

export interface PublishOutcome {
  publication: Publication;
  /** Guides left out because they are invalid (file, field, reason), in Vietnamese. */
  skipped: string[];
  changedGuides: string[];
}

export interface Applied {
  publicationId: number;
  upToVersion: number;
}

export interface RuntimeDeps {
  store: KnowledgeEditStore;
  knowledgeDir: string;
  engine: AnswerEngine;
  builder: IndexBuilder;
  log: RuntimeLog;
  applied: Applied;
  announcer?: PublicationAnnouncer;
  now?: () => Date;
}

const describeError = (err: unknown) => (err instanceof Error ? err.message : String(err)) || 'lỗi không rõ';

/** The usable knowledge (invalid guides left out and listed) as of version `upTo` (0: files only). */
export async function knowledgeAt(store: KnowledgeEditStore, dir: string, upTo: number): Promise<{ kb: KnowledgeBase; skipped: string[] }> {
  const overlay = upTo > 0 ? overlayFromVersions(await store.currentVersions(upTo)) : new Map<string, string | null>();
  const skipped: string[] = [];
  const kb = usableKnowledge(effectiveKnowledge(dir, overlay), (line) => skipped.push(line));
  return { kb, skipped };
}

export class KnowledgeRuntime {
  private chain: Promise<unknown> = Promise.resolve();
  private appliedState: Applied;
  private buildingSince: Date | null = null;
  private lastFailure: { at: Date; message: string } | null = null;
  announcer?: PublicationAnnouncer;

  constructor(private readonly deps: RuntimeDeps) {
    this.appliedState = deps.applied;
    this.announcer = deps.announcer;
  }

  get applied(): Applied {
    return this.appliedState;
  }

  get engine(): AnswerEngine {
    return this.deps.engine;
  }

  status(): { applied: Applied; building: boolean; buildingSince: string | null; lastFailure: { at: string; message: string } | null } {
    return {
      applied: this.appliedState,
      building: this.buildingSince !== null,
      buildingSince: this.buildingSince?.toISOString() ?? null,
      lastFailure: this.lastFailure ? { at: this.lastFailure.at.toISOString(), message: this.lastFailure.message } : null,
    };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Builds in the background, then swaps; returns milliseconds spent in each step. */
  private async swap(kb: KnowledgeBase): Promise<{ buildMs: number; swapMs: number }> {
    this.buildingSince = this.now();
    try {
      const started = performance.now();
      await this.deps.builder.prepare(kb);
      const built = performance.now();
      await this.deps.engine.publish(kb);
      return { buildMs: built - started, swapMs: performance.now() - built };
    } finally {
      this.buildingSince = null;
    }
  }

  /** Publishes every saved edit (and the current knowledge/ files). Throws PublishFailedError if the build fails. */
  publish(author: string, source: PublicationSource = 'admin'): Promise<PublishOutcome> {
    return this.serial(async () => {
      const { store, knowledgeDir, log } = this.deps;
      const upTo = await store.latestVersionId();
      const { kb, skipped } = await knowledgeAt(store, knowledgeDir, upTo);
      const changedGuides = (await store.currentVersions(upTo)).filter((v) => v.id > this.appliedState.upToVersion).map((v) => v.guideId);
      const base = { upToVersion: upTo, author, source, guides: kb.guides.length };
      let timing: { buildMs: number; swapMs: number };
      try {
        timing = await this.swap(kb);
      } catch (err) {
        const reason = describeError(err);
        this.lastFailure = { at: this.now(), message: reason };
        const publication = await store.recordPublication({
          ...base, status: 'failed', at: this.now(), indexHash: null, buildMs: 0, swapMs: 0, error: reason,
          detail: `Xuất bản thất bại, chỉ mục cũ vẫn phục vụ. Lý do: ${reason}`,
        });
        log.warn(`Xuất bản #${publication.id} thất bại, giữ chỉ mục cũ: ${reason}`);
        throw new PublishFailedError(publication, reason);
      }
      this.lastFailure = null;
      const info = this.deps.engine.indexInfo;
      const changed = changedGuides.length ? `; thay đổi: ${changedGuides.join(', ')}` : '; không có thay đổi nào trong cơ sở dữ liệu';
      const publication = await store.recordPublication({
        ...base, status: 'ok', at: this.now(), indexHash: info.hash, buildMs: timing.buildMs, swapMs: timing.swapMs,
        error: skipped.length ? skipped.join('\n') : null,
        detail: `Xuất bản ${kb.guides.length} hướng dẫn (chỉ mục ${info.hash.slice(0, 8)}, dựng ${Math.round(timing.buildMs)} ms, đổi ${Math.round(timing.swapMs)} ms)${changed}` +
          (skipped.length ? `; bỏ qua ${skipped.length} lỗi` : ''),
      });
      this.appliedState = { publicationId: publication.id, upToVersion: upTo };
      log.info(`Đã xuất bản #${publication.id}: ${kb.guides.length} hướng dẫn, dựng ${Math.round(timing.buildMs)} ms, đổi ${Math.round(timing.swapMs)} ms.`);
      await this.announce(publication.id);
      return { publication, skipped, changedGuides };
    });
  }

  private async announce(publicationId: number): Promise<void> {
    if (!this.announcer) return;
    try {
      await this.announcer.announce(publicationId);
    } catch (err) {
      this.deps.log.warn(`Không báo được lần xuất bản #${publicationId} qua Redis (${describeError(err)}); các máy khác sẽ tự kiểm tra định kỳ.`);
    }
  }

  /**
   * Serves the newest successful publication if it is newer than the one applied here. Never throws (a failed
   * build is logged and retried at the next check). Returns true when the engine was swapped.
   */
  syncToLatest(reason: string): Promise<boolean> {
    return this.load(reason, false).then(
      (swapped) => swapped,
      () => false,
    );
  }

  /**
   * Rebuilds from the knowledge/ files and the newest publication even if nothing new was published (SIGHUP,
   * a triage action that edited a file). Throws when the build fails; the old index keeps serving.
   */
  async reload(reason: string): Promise<void> {
    await this.load(reason, true);
  }

  private load(reason: string, force: boolean): Promise<boolean> {
    return this.serial(async () => {
      const { store, knowledgeDir, log } = this.deps;
      let latest: Publication | undefined;
      try {
        latest = await store.latestPublication('ok');
      } catch (err) {
        log.warn(`Không đọc được danh sách lần xuất bản (${reason}): ${describeError(err)}`);
        throw err;
      }
      const publicationId = latest?.id ?? 0;
      if (!force && publicationId <= this.appliedState.publicationId) return false;
      const upTo = latest?.upToVersion ?? 0;
      const { kb, skipped } = await knowledgeAt(store, knowledgeDir, upTo);
      for (const line of skipped) log.warn(line);
      const what = publicationId ? `lần xuất bản #${publicationId}` : 'thư mục hướng dẫn';
      try {
        const timing = await this.swap(kb);
        this.appliedState = { publicationId, upToVersion: upTo };
        log.info(`Đã nạp ${what} (${reason}): ${kb.guides.length} hướng dẫn, dựng ${Math.round(timing.buildMs)} ms, đổi ${Math.round(timing.swapMs)} ms.`);
        return true;
      } catch (err) {
        this.lastFailure = { at: this.now(), message: describeError(err) };
        log.warn(`Không nạp được ${what} (${reason}), giữ chỉ mục cũ: ${describeError(err)}`);
        throw err;
      }
    });
  }
}
