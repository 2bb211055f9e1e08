/**
 * Storage contract of knowledge edits made in /admin. Two backends implement it (embedded SQLite by default,
 * PostgreSQL when DATABASE_URL is set) and both pass the shared suite in test/knowledge-admin/store-suite.ts.
 *
 * The model is an append-only log: every save of a guide is a version (its full Markdown, the author, the time
 * and a unified diff against the guide's previous state); the current state of a guide is its newest version.
 * A publication says "everything up to version N is live"; instances load the overlay as of N on top of their
 * knowledge/ files. The audit log records every change, publish and failed publish.
 */

/** What a version says about its guide: new Markdown, hidden (deleted), or back to the knowledge/ file. */
export type VersionState = 'markdown' | 'deleted' | 'file';
export type VersionAction = 'create' | 'update' | 'delete' | 'rollback';
export type AuditAction = VersionAction | 'publish' | 'publish_failed';
export type PublicationSource = 'admin' | 'cli' | 'rollback';

export const VERSION_ACTIONS: readonly VersionAction[] = ['create', 'update', 'delete', 'rollback'];
export const AUDIT_ACTIONS: readonly AuditAction[] = [...VERSION_ACTIONS, 'publish', 'publish_failed'];

export interface NewGuideVersion {
  guideId: string;
  action: VersionAction;
  state: VersionState;
  /** The Markdown (state "markdown"), the file text at the time (state "file", for display), or null (deleted). */
  content: string | null;
  author: string;
  at: Date;
  /** Unified diff against the guide's previous state. */
  diff: string;
  /** For a rollback: the version whose content was restored (0 = the knowledge/ file). */
  rollbackOf: number | null;
  /** The audit line stored with the version, in the same transaction. */
  detail: string;
}

export interface GuideVersion extends Omit<NewGuideVersion, 'detail'> {
  id: number;
}

export interface NewPublication {
  status: 'ok' | 'failed';
  /** Every version with an id up to this one is part of the publication. */
  upToVersion: number;
  author: string;
  at: Date;
  source: PublicationSource;
  indexHash: string | null;
  guides: number;
  buildMs: number;
  swapMs: number;
  /** Why a failed publication failed (Vietnamese), or the guides skipped as invalid. */
  error: string | null;
  detail: string;
}

export interface Publication extends Omit<NewPublication, 'detail'> {
  id: number;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: AuditAction;
  guideId: string | null;
  versionId: number | null;
  publicationId: number | null;
  detail: string;
}

/** Thrown by appendVersion when the guide changed since the caller read it. */
export class VersionConflictError extends Error {
  constructor(
    readonly guideId: string,
    readonly latest: number | null,
  ) {
    super(`guide ${guideId} changed (latest version ${latest ?? 'none'})`);
    this.name = 'VersionConflictError';
  }
}

export interface KnowledgeEditStore {
  readonly backend: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  /**
   * Appends a version and its audit line atomically. `expectedLatest`: undefined = no check; null = the guide
   * must have no version yet; a number = the guide's newest version must be that one (else VersionConflictError).
   */
  appendVersion(version: NewGuideVersion, expectedLatest?: number | null): Promise<GuideVersion>;
  getVersion(id: number): Promise<GuideVersion | undefined>;
  /** Newest first. */
  guideVersions(guideId: string, limit: number): Promise<GuideVersion[]>;
  /** The newest version of every guide that has one, among versions with id ≤ upTo (all when undefined). */
  currentVersions(upTo?: number): Promise<GuideVersion[]>;
  /** 0 when there is none. */
  latestVersionId(): Promise<number>;
  /** Records a publication and its audit line ("publish" or "publish_failed") atomically. */
  recordPublication(publication: NewPublication): Promise<Publication>;
  getPublication(id: number): Promise<Publication | undefined>;
  latestPublication(status?: 'ok'): Promise<Publication | undefined>;
  /** Newest first. */
  listPublications(limit: number): Promise<Publication[]>;
  /** Newest first, optionally for one guide. */
  listAudit(query: { limit: number; guideId?: string }): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export const MAX_LIST = 500;
export const clampList = (n: number) => Math.max(1, Math.min(MAX_LIST, Math.floor(n) || 1));
