/**
 * SQL shared by the SQLite and PostgreSQL stores of knowledge edits: migrations (same version numbers in both
 * dialects; append, never edit, a version) and row mapping.
 */
import {
  AUDIT_ACTIONS,
  VERSION_ACTIONS,
  type AuditEntry,
  type GuideVersion,
  type Publication,
  type PublicationSource,
  type VersionState,
} from './store.js';

export interface Migration {
  version: number;
  statements: string[];
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const ACTION_CHECK = `CHECK (action IN (${list(VERSION_ACTIONS)}))`;
const STATE_CHECK = `CHECK (state IN ('markdown', 'deleted', 'file'))`;
const AUDIT_CHECK = `CHECK (action IN (${list(AUDIT_ACTIONS)}))`;
const STATUS_CHECK = `CHECK (status IN ('ok', 'failed'))`;
const INDEXES = [
  'CREATE INDEX IF NOT EXISTS kb_versions_guide ON kb_versions (guide_id, id)',
  'CREATE INDEX IF NOT EXISTS kb_publications_status ON kb_publications (status, id)',
  'CREATE INDEX IF NOT EXISTS kb_audit_guide ON kb_audit (guide_id, id)',
];

function tables(dialect: { id: string; time: string }): string[] {
  return [
    `CREATE TABLE kb_versions (
      id ${dialect.id},
      guide_id TEXT NOT NULL,
      action TEXT NOT NULL ${ACTION_CHECK},
      state TEXT NOT NULL ${STATE_CHECK},
      content TEXT,
      author TEXT NOT NULL,
      at ${dialect.time} NOT NULL,
      diff TEXT NOT NULL,
      rollback_of BIGINT
    )`,
    `CREATE TABLE kb_publications (
      id ${dialect.id},
      status TEXT NOT NULL ${STATUS_CHECK},
      up_to_version BIGINT NOT NULL,
      author TEXT NOT NULL,
      at ${dialect.time} NOT NULL,
      source TEXT NOT NULL,
      index_hash TEXT,
      guides INTEGER NOT NULL,
      build_ms INTEGER NOT NULL,
      swap_ms INTEGER NOT NULL,
      error TEXT
    )`,
    `CREATE TABLE kb_audit (
      id ${dialect.id},
      at ${dialect.time} NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL ${AUDIT_CHECK},
      guide_id TEXT,
      version_id BIGINT,
      publication_id BIGINT,
      detail TEXT NOT NULL
    )`,
    ...INDEXES,
  ];
}

export const SQLITE_MIGRATIONS: Migration[] = [
  { version: 1, statements: tables({ id: 'INTEGER PRIMARY KEY AUTOINCREMENT', time: 'INTEGER' }) },
];

export const POSTGRES_MIGRATIONS: Migration[] = [
  { version: 1, statements: tables({ id: 'BIGSERIAL PRIMARY KEY', time: 'TIMESTAMPTZ' }) },
];

export const MIGRATIONS_TABLE = 'kb_schema_migrations';

type Row = Record<string, unknown>;
export type TimeReader = (v: unknown) => Date;

const nullableNumber = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const nullableString = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function rowToVersion(r: Row, time: TimeReader): GuideVersion {
  return {
    id: Number(r.id),
    guideId: String(r.guide_id),
    action: r.action as GuideVersion['action'],
    state: r.state as VersionState,
    content: nullableString(r.content),
    author: String(r.author),
    at: time(r.at),
    diff: String(r.diff),
    rollbackOf: nullableNumber(r.rollback_of),
  };
}

export function rowToPublication(r: Row, time: TimeReader): Publication {
  return {
    id: Number(r.id),
    status: r.status as Publication['status'],
    upToVersion: Number(r.up_to_version),
    author: String(r.author),
    at: time(r.at),
    source: r.source as PublicationSource,
    indexHash: nullableString(r.index_hash),
    guides: Number(r.guides),
    buildMs: Number(r.build_ms),
    swapMs: Number(r.swap_ms),
    error: nullableString(r.error),
  };
}

export function rowToAudit(r: Row, time: TimeReader): AuditEntry {
  return {
    id: Number(r.id),
    at: time(r.at),
    actor: String(r.actor),
    action: r.action as AuditEntry['action'],
    guideId: nullableString(r.guide_id),
    versionId: nullableNumber(r.version_id),
    publicationId: nullableNumber(r.publication_id),
    detail: String(r.detail),
  };
}

/** The newest version per guide among versions with id ≤ the first parameter. */
export function currentVersionsSql(param: string): string {
  return `SELECT v.* FROM kb_versions v
    JOIN (SELECT guide_id, MAX(id) AS id FROM kb_versions WHERE id <= ${param} GROUP BY guide_id) m ON m.id = v.id
    ORDER BY v.guide_id`;
}
