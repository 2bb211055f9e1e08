/**
 * The embedded default store of knowledge edits: DATA_DIR/knowledge-edits.sqlite in WAL mode. `npm run kb --
 * publish` opens the same file from another process; WAL readers never wait for the service's writes.
 */
import { applySqliteMigrations, openSqliteDatabase, type SqliteDatabase } from '../storage/sqlite-database.js';
import { currentVersionsSql, MIGRATIONS_TABLE, rowToAudit, rowToPublication, rowToVersion, SQLITE_MIGRATIONS } from './store-sql.js';
import {
  clampList,
  VersionConflictError,
  type AuditEntry,
  type GuideVersion,
  type KnowledgeEditStore,
  type NewGuideVersion,
  type NewPublication,
  type Publication,
} from './store.js';

type Row = Record<string, unknown>;
const time = (v: unknown) => new Date(Number(v));

export class SqliteKnowledgeEditStore implements KnowledgeEditStore {
  readonly backend = 'sqlite' as const;
  private readonly db: SqliteDatabase;

  /** `file` may be ':memory:' for tests. */
  constructor(file: string) {
    this.db = openSqliteDatabase(file);
  }

  async migrate(): Promise<void> {
    applySqliteMigrations(this.db, MIGRATIONS_TABLE, SQLITE_MIGRATIONS);
  }

  async appendVersion(v: NewGuideVersion, expectedLatest?: number | null): Promise<GuideVersion> {
    return this.db
      .transaction(() => {
        if (expectedLatest !== undefined) {
          const r = this.db.prepare('SELECT MAX(id) AS id FROM kb_versions WHERE guide_id = ?').get(v.guideId) as Row;
          const latest = r.id === null || r.id === undefined ? null : Number(r.id);
          if (latest !== expectedLatest) throw new VersionConflictError(v.guideId, latest);
        }
        const at = v.at.getTime();
        const { lastInsertRowid } = this.db
          .prepare('INSERT INTO kb_versions (guide_id, action, state, content, author, at, diff, rollback_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(v.guideId, v.action, v.state, v.content, v.author, at, v.diff, v.rollbackOf);
        const id = Number(lastInsertRowid);
        this.db
          .prepare('INSERT INTO kb_audit (at, actor, action, guide_id, version_id, publication_id, detail) VALUES (?, ?, ?, ?, ?, NULL, ?)')
          .run(at, v.author, v.action, v.guideId, id, v.detail);
        const { detail: _detail, ...rest } = v;
        return { id, ...rest };
      })
      .immediate();
  }

  async getVersion(id: number): Promise<GuideVersion | undefined> {
    const r = this.db.prepare('SELECT * FROM kb_versions WHERE id = ?').get(id) as Row | undefined;
    return r ? rowToVersion(r, time) : undefined;
  }

  async guideVersions(guideId: string, limit: number): Promise<GuideVersion[]> {
    const rows = this.db.prepare('SELECT * FROM kb_versions WHERE guide_id = ? ORDER BY id DESC LIMIT ?').all(guideId, clampList(limit)) as Row[];
    return rows.map((r) => rowToVersion(r, time));
  }

  async currentVersions(upTo?: number): Promise<GuideVersion[]> {
    const rows = this.db.prepare(currentVersionsSql('?')).all(upTo ?? Number.MAX_SAFE_INTEGER) as Row[];
    return rows.map((r) => rowToVersion(r, time));
  }

  async latestVersionId(): Promise<number> {
    const r = this.db.prepare('SELECT MAX(id) AS id FROM kb_versions').get() as Row;
    return Number(r.id ?? 0);
  }

  async recordPublication(p: NewPublication): Promise<Publication> {
    return this.db
      .transaction(() => {
        const at = p.at.getTime();
        const { lastInsertRowid } = this.db
          .prepare(
            `INSERT INTO kb_publications (status, up_to_version, author, at, source, index_hash, guides, build_ms, swap_ms, error)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(p.status, p.upToVersion, p.author, at, p.source, p.indexHash, p.guides, Math.round(p.buildMs), Math.round(p.swapMs), p.error);
        const id = Number(lastInsertRowid);
        this.db
          .prepare('INSERT INTO kb_audit (at, actor, action, guide_id, version_id, publication_id, detail) VALUES (?, ?, ?, NULL, NULL, ?, ?)')
          .run(at, p.author, p.status === 'ok' ? 'publish' : 'publish_failed', id, p.detail);
        const { detail: _detail, ...rest } = p;
        return { id, ...rest, buildMs: Math.round(p.buildMs), swapMs: Math.round(p.swapMs) };
      })
      .immediate();
  }

  async getPublication(id: number): Promise<Publication | undefined> {
    const r = this.db.prepare('SELECT * FROM kb_publications WHERE id = ?').get(id) as Row | undefined;
    return r ? rowToPublication(r, time) : undefined;
  }

  async latestPublication(status?: 'ok'): Promise<Publication | undefined> {
    const r = (
      status
        ? this.db.prepare('SELECT * FROM kb_publications WHERE status = ? ORDER BY id DESC LIMIT 1').get(status)
        : this.db.prepare('SELECT * FROM kb_publications ORDER BY id DESC LIMIT 1').get()
    ) as Row | undefined;
    return r ? rowToPublication(r, time) : undefined;
  }

  async listPublications(limit: number): Promise<Publication[]> {
    const rows = this.db.prepare('SELECT * FROM kb_publications ORDER BY id DESC LIMIT ?').all(clampList(limit)) as Row[];
    return rows.map((r) => rowToPublication(r, time));
  }

  async listAudit(q: { limit: number; guideId?: string }): Promise<AuditEntry[]> {
    const rows = (
      q.guideId
        ? this.db.prepare('SELECT * FROM kb_audit WHERE guide_id = ? ORDER BY id DESC LIMIT ?').all(q.guideId, clampList(q.limit))
        : this.db.prepare('SELECT * FROM kb_audit ORDER BY id DESC LIMIT ?').all(clampList(q.limit))
    ) as Row[];
    return rows.map((r) => rowToAudit(r, time));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
