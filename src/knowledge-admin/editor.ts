/**
 * Guide editing as the admin API offers it: list, read, create, update, delete (each a validated version with
 * author, time and diff), versions, rollback (a new version equal to an old one, then a publish) and the audit
 * log. Saving does not change what citizens see; publishing (runtime.ts) does.
 */
import { AppError } from '../errors/app-error.js';
import { listGuideFiles, loadKnowledgeDir, type KnowledgeBase } from '../knowledge/loader.js';
import { guideDiff, diffStats } from './diff.js';
import { checkGuideDeletion, checkGuideText, type FieldError } from './guide-validation.js';
import { applyOverlay, GUIDE_ID, guideFile, overlayFromVersions, readGuideFile } from './overlay.js';
import type { KnowledgeRuntime, PublishOutcome } from './runtime.js';
import { VersionConflictError, type GuideVersion, type KnowledgeEditStore } from './store.js';

/** The change was refused; `errors` say which field and why (Vietnamese). */
export class GuideValidationError extends AppError {
  constructor(
    readonly errors: FieldError[],
    message = `Hướng dẫn chưa hợp lệ: ${errors.length} lỗi.`,
    readonly status = 422,
  ) {
    super('invalid_knowledge', message);
  }
}

export type GuideSource = 'file' | 'admin' | 'file+admin';

export interface GuideSummary {
  id: string;
  title: string;
  group: string | null;
  indicator: string | null;
  source: GuideSource;
  deleted: boolean;
  /** Saved in /admin but not yet published. */
  unpublished: boolean;
  /** Passes the knowledge rules in its current saved state. */
  valid: boolean;
  versionId: number | null;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface GuideDetail extends GuideSummary {
  markdown: string;
  hasFile: boolean;
}

interface GuideState {
  id: string;
  version?: GuideVersion;
  fileText?: string;
  /** The text the guide has now, undefined when it does not exist (never created, or deleted). */
  text?: string;
}

export interface EditorDeps {
  store: KnowledgeEditStore;
  knowledgeDir: string;
  runtime: KnowledgeRuntime;
  now?: () => Date;
}

const at = (d: Date) => d.toISOString();

export function assertGuideId(id: string): void {
  if (!GUIDE_ID.test(id) || id.length > 120) {
    throw new GuideValidationError([{ field: 'id', message: 'mã hướng dẫn phải là chữ thường không dấu, nối bằng dấu gạch ngang', line: 1 }], 'Mã hướng dẫn không hợp lệ.', 400);
  }
}

function conflictError(err: VersionConflictError): GuideValidationError {
  return new GuideValidationError(
    [{ field: 'version', message: `hướng dẫn vừa được sửa ở nơi khác (phiên bản mới nhất #${err.latest ?? '–'}); hãy tải lại trước khi lưu`, line: 1 }],
    'Hướng dẫn vừa được người khác sửa.',
    409,
  );
}

export class GuideEditor {
  constructor(private readonly deps: EditorDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Files + every saved version, without filtering invalid guides (the base validation runs against). */
  async workingKnowledge(): Promise<{ kb: KnowledgeBase; versions: Map<string, GuideVersion> }> {
    const current = await this.deps.store.currentVersions();
    const kb = applyOverlay(loadKnowledgeDir(this.deps.knowledgeDir), overlayFromVersions(current));
    return { kb, versions: new Map(current.map((v) => [v.guideId, v])) };
  }

  private async state(id: string): Promise<GuideState> {
    const [version] = await this.deps.store.guideVersions(id, 1);
    const fileText = readGuideFile(this.deps.knowledgeDir, id);
    const text = version?.state === 'markdown' ? (version.content ?? '') : version?.state === 'deleted' ? undefined : fileText;
    return { id, version, fileText, text };
  }

  async list(): Promise<{ guides: GuideSummary[]; deleted: GuideSummary[] }> {
    const { kb, versions } = await this.workingKnowledge();
    // Files whose name is not a guide id (e.g. a stray notes file) cannot be edited here; kb validate reports them.
    const fileIds = new Set(listGuideFiles(this.deps.knowledgeDir).map((f) => f.replace(/\.md$/, '')).filter((id) => GUIDE_ID.test(id)));
    const ids = new Set([...fileIds, ...versions.keys()]);
    const broken = new Set(kb.problems.map((p) => p.file));
    const upTo = this.deps.runtime.applied.upToVersion;
    const all = [...ids].map((id): GuideSummary => {
      const v = versions.get(id);
      const guide = kb.guides.find((g) => g.file === guideFile(id));
      const edited = v !== undefined && v.state !== 'file';
      return {
        id,
        title: guide?.title ?? id,
        group: guide?.group ?? null,
        indicator: guide?.indicator ?? null,
        source: edited ? (fileIds.has(id) ? 'file+admin' : 'admin') : 'file',
        deleted: v?.state === 'deleted',
        unpublished: v !== undefined && v.id > upTo,
        valid: guide !== undefined && !broken.has(guideFile(id)),
        versionId: v?.id ?? null,
        updatedAt: v ? at(v.at) : null,
        updatedBy: v?.author ?? null,
      };
    });
    all.sort((a, b) => a.title.localeCompare(b.title, 'vi'));
    return { guides: all.filter((g) => !g.deleted), deleted: all.filter((g) => g.deleted) };
  }

  async get(id: string): Promise<GuideDetail> {
    assertGuideId(id);
    const s = await this.state(id);
    if (!s.version && s.fileText === undefined) throw new AppError('not_found', `Không có hướng dẫn "${id}".`);
    const { guides, deleted } = await this.list();
    const summary = [...guides, ...deleted].find((g) => g.id === id)!;
    const lastText = s.text ?? (await this.lastContent(id)) ?? s.fileText ?? '';
    return { ...summary, markdown: lastText, hasFile: s.fileText !== undefined };
  }

  /** The newest Markdown a deleted guide had, to show it and to restore it. */
  private async lastContent(id: string): Promise<string | undefined> {
    const versions = await this.deps.store.guideVersions(id, 100);
    return versions.find((v) => v.state === 'markdown')?.content ?? undefined;
  }

  /** Validation only, for the editor while typing. */
  async validate(id: string, markdown: string): Promise<FieldError[]> {
    assertGuideId(id);
    return checkGuideText((await this.workingKnowledge()).kb, id, markdown).errors;
  }

  async save(
    id: string,
    markdown: string,
    options: { author: string; mode: 'create' | 'update'; baseVersion?: number | null },
  ): Promise<{ version: GuideVersion | null; unchanged: boolean }> {
    assertGuideId(id);
    const text = markdown.replace(/\r\n/g, '\n');
    const s = await this.state(id);
    const exists = s.text !== undefined;
    if (options.mode === 'update' && !exists) throw new AppError('not_found', `Không có hướng dẫn "${id}" để sửa.`);
    const { kb } = await this.workingKnowledge();
    const { errors } = checkGuideText(kb, id, text);
    if (options.mode === 'create' && exists) {
      errors.unshift({ field: 'id', message: `đã có hướng dẫn "${id}"; hãy sửa hướng dẫn đó thay vì tạo mới`, line: 1 });
    }
    if (errors.length > 0) throw new GuideValidationError(errors);
    if (exists && s.text === text) return { version: s.version ?? null, unchanged: true };
    const diff = guideDiff(id, s.text ?? '', text, { before: this.label(s), after: 'bản mới' });
    const { added, removed } = diffStats(diff);
    const action = options.mode;
    const detail = `${action === 'create' ? 'Tạo' : 'Sửa'} hướng dẫn ${id}: +${added} −${removed} dòng`;
    const expected = options.baseVersion !== undefined ? options.baseVersion : action === 'create' ? (s.version?.id ?? null) : undefined;
    const version = await this.append({ guideId: id, action, state: 'markdown', content: text, diff, detail, rollbackOf: null }, options.author, expected);
    return { version, unchanged: false };
  }

  async remove(id: string, options: { author: string; baseVersion?: number | null }): Promise<GuideVersion> {
    assertGuideId(id);
    const s = await this.state(id);
    if (s.text === undefined) throw new AppError('not_found', `Không có hướng dẫn "${id}" để xoá.`);
    const errors = checkGuideDeletion((await this.workingKnowledge()).kb, id);
    if (errors.length > 0) throw new GuideValidationError(errors, 'Không xoá được hướng dẫn này.');
    const diff = guideDiff(id, s.text, '', { before: this.label(s), after: '(đã xoá)' });
    const detail = `Xoá hướng dẫn ${id}${s.fileText !== undefined ? ' (ẩn tệp trong knowledge/)' : ''}`;
    return this.append({ guideId: id, action: 'delete', state: 'deleted', content: null, diff, detail, rollbackOf: null }, options.author, options.baseVersion);
  }

  /** Versions newest first; the knowledge/ file, when there is one, is listed last as version "file". */
  async versions(id: string, limit = 100): Promise<{ versions: GuideVersion[]; file: string | null; publishedUpTo: number }> {
    assertGuideId(id);
    const versions = await this.deps.store.guideVersions(id, limit);
    const file = readGuideFile(this.deps.knowledgeDir, id) ?? null;
    if (versions.length === 0 && file === null) throw new AppError('not_found', `Không có hướng dẫn "${id}".`);
    return { versions, file, publishedUpTo: this.deps.runtime.applied.upToVersion };
  }

  /**
   * Restores version `target` ("file" = the knowledge/ file) as a new version, then publishes. A failed
   * publish leaves the restored version saved and throws PublishFailedError.
   */
  async rollback(id: string, target: number | 'file', author: string): Promise<{ version: GuideVersion; publish: PublishOutcome }> {
    assertGuideId(id);
    const s = await this.state(id);
    let state: GuideVersion['state'];
    let content: string | null;
    let label: string;
    if (target === 'file') {
      if (s.fileText === undefined) throw new AppError('not_found', `Hướng dẫn "${id}" không có tệp trong knowledge/.`);
      [state, content, label] = ['file', s.fileText, 'tệp trong knowledge/'];
    } else {
      const old = await this.deps.store.getVersion(target);
      if (!old || old.guideId !== id) throw new AppError('not_found', `Không có phiên bản #${target} của hướng dẫn "${id}".`);
      [state, content, label] = [old.state, old.state === 'file' ? (s.fileText ?? old.content) : old.content, `phiên bản #${old.id}`];
      if (old.state === 'file' && s.fileText === undefined) throw new AppError('not_found', `Tệp của hướng dẫn "${id}" không còn trong knowledge/.`);
    }
    const { kb } = await this.workingKnowledge();
    const errors = state === 'deleted' ? (s.text === undefined ? [] : checkGuideDeletion(kb, id)) : checkGuideText(kb, id, content ?? '').errors;
    if (errors.length > 0) throw new GuideValidationError(errors, `Không khôi phục được ${label}: nội dung đó không còn hợp lệ.`);
    const after = state === 'deleted' ? '' : (content ?? '');
    const diff = guideDiff(id, s.text ?? '', after, { before: this.label(s), after: label });
    const version = await this.append(
      { guideId: id, action: 'rollback', state, content, diff, detail: `Khôi phục ${label} của ${id}`, rollbackOf: target === 'file' ? 0 : target },
      author,
      undefined,
    );
    const publish = await this.deps.runtime.publish(author, 'rollback');
    return { version, publish };
  }

  private label(s: GuideState): string {
    if (s.version && s.version.state !== 'file') return `phiên bản #${s.version.id}`;
    return s.fileText !== undefined ? 'tệp trong knowledge/' : '(chưa có)';
  }

  private async append(
    v: Pick<GuideVersion, 'guideId' | 'action' | 'state' | 'content' | 'diff' | 'rollbackOf'> & { detail: string },
    author: string,
    expected: number | null | undefined,
  ): Promise<GuideVersion> {
    try {
      return await this.deps.store.appendVersion({ ...v, author, at: this.now() }, expected);
    } catch (err) {
      if (err instanceof VersionConflictError) throw conflictError(err);
      throw err;
    }
  }
}
