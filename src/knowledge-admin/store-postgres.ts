/**
 * The PostgreSQL store of knowledge edits, used when DATABASE_URL is set: every instance reads the same
 * versions and publications. Tables live in DATABASE_SCHEMA next to the turn log, prefixed kb_.
 */
import type pg from 'pg';
import { applyVersionedMigrations, migrateInSchema, openPostgresPool, withTransaction } from '../storage/postgres-database.js';
import { AppError } from '../errors/app-error.js';
import { currentVersionsSql, MIGRATIONS_TABLE, POSTGRES_MIGRATIONS, rowToAudit, rowToPublication, rowToVersion } from './store-sql.js';
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

const time = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

export interface PostgresKnowledgeStoreOptions {
  url: string;
  schema: string;
  poolSize?: number;
  onError?: (line: string) => void;
}

export class PostgresKnowledgeEditStore implements KnowledgeEditStore {
  readonly backend = 'postgres' as const;
  readonly schema: string;
  private readonly pool: pg.Pool;

  constructor(options: PostgresKnowledgeStoreOptions) {
    this.schema = options.schema;
    this.pool = openPostgresPool(options);
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }

  async migrate(): Promise<void> {
    try {
      await migrateInSchema(this.pool, this.schema, 'kb-migrations', (client) =>
        applyVersionedMigrations(client, MIGRATIONS_TABLE, POSTGRES_MIGRATIONS),
      );
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('invalid_config', `Không chuẩn bị được bảng sửa hướng dẫn trong PostgreSQL (DATABASE_URL): ${(err as Error).message}`);
    }
  }

  async appendVersion(v: NewGuideVersion, expectedLatest?: number | null): Promise<GuideVersion> {
    return this.transaction(async (client) => {
      // Serialises saves of one guide across instances, so the expected-version check is reliable.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kb-guide:${this.schema}:${v.guideId}`]);
      if (expectedLatest !== undefined) {
        const r = await client.query('SELECT MAX(id) AS id FROM kb_versions WHERE guide_id = $1', [v.guideId]);
        const raw = r.rows[0]?.id;
        const latest = raw === null || raw === undefined ? null : Number(raw);
        if (latest !== expectedLatest) throw new VersionConflictError(v.guideId, latest);
      }
      const inserted = await client.query(
        `INSERT INTO kb_versions (guide_id, action, state, content, author, at, diff, rollback_of)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [v.guideId, v.action, v.state, v.content, v.author, v.at, v.diff, v.rollbackOf],
      );
      const version = rowToVersion(inserted.rows[0], time);
      await client.query(
        'INSERT INTO kb_audit (at, actor, action, guide_id, version_id, publication_id, detail) VALUES ($1, $2, $3, $4, $5, NULL, $6)',
        [v.at, v.author, v.action, v.guideId, version.id, v.detail],
      );
      return version;
    });
  }

  async getVersion(id: number): Promise<GuideVersion | undefined> {
    const r = await this.pool.query('SELECT * FROM kb_versions WHERE id = $1', [id]);
    return r.rows[0] ? rowToVersion(r.rows[0], time) : undefined;
  }

  async guideVersions(guideId: string, limit: number): Promise<GuideVersion[]> {
    const r = await this.pool.query('SELECT * FROM kb_versions WHERE guide_id = $1 ORDER BY id DESC LIMIT $2', [guideId, clampList(limit)]);
    return r.rows.map((row) => rowToVersion(row, time));
  }

  async currentVersions(upTo?: number): Promise<GuideVersion[]> {
    const r = await this.pool.query(currentVersionsSql('$1'), [upTo ?? Number.MAX_SAFE_INTEGER]);
    return r.rows.map((row) => rowToVersion(row, time));
  }

  async latestVersionId(): Promise<number> {
    const r = await this.pool.query('SELECT MAX(id) AS id FROM kb_versions');
    return Number(r.rows[0]?.id ?? 0);
  }

  async recordPublication(p: NewPublication): Promise<Publication> {
    return this.transaction(async (client) => {
      const inserted = await client.query(
        `INSERT INTO kb_publications (status, up_to_version, author, at, source, index_hash, guides, build_ms, swap_ms, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [p.status, p.upToVersion, p.author, p.at, p.source, p.indexHash, p.guides, Math.round(p.buildMs), Math.round(p.swapMs), p.error],
      );
      const publication = rowToPublication(inserted.rows[0], time);
      await client.query(
        'INSERT INTO kb_audit (at, actor, action, guide_id, version_id, publication_id, detail) VALUES ($1, $2, $3, NULL, NULL, $4, $5)',
        [p.at, p.author, p.status === 'ok' ? 'publish' : 'publish_failed', publication.id, p.detail],
      );
      return publication;
    });
  }

  async getPublication(id: number): Promise<Publication | undefined> {
    const r = await this.pool.query('SELECT * FROM kb_publications WHERE id = $1', [id]);
    return r.rows[0] ? rowToPublication(r.rows[0], time) : undefined;
  }

  async latestPublication(status?: 'ok'): Promise<Publication | undefined> {
    const r = status
      ? await this.pool.query('SELECT * FROM kb_publications WHERE status = $1 ORDER BY id DESC LIMIT 1', [status])
      : await this.pool.query('SELECT * FROM kb_publications ORDER BY id DESC LIMIT 1');
    return r.rows[0] ? rowToPublication(r.rows[0], time) : undefined;
  }

  async listPublications(limit: number): Promise<Publication[]> {
    const r = await this.pool.query('SELECT * FROM kb_publications ORDER BY id DESC LIMIT $1', [clampList(limit)]);
    return r.rows.map((row) => rowToPublication(row, time));
  }

  async listAudit(q: { limit: number; guideId?: string }): Promise<AuditEntry[]> {
    const r = q.guideId
      ? await this.pool.query('SELECT * FROM kb_audit WHERE guide_id = $1 ORDER BY id DESC LIMIT $2', [q.guideId, clampList(q.limit)])
      : await this.pool.query('SELECT * FROM kb_audit ORDER BY id DESC LIMIT $1', [clampList(q.limit)]);
    return r.rows.map((row) => rowToAudit(row, time));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Drops this store's schema; for tests that create a throw-away schema per run. */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }
}
