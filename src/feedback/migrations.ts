/**
 * Schema migrations of the turn log, one list per dialect with the same version numbers. They run at
 * start-up; a version is applied once and recorded in schema_migrations. Append, never edit, a version.
 */
export interface Migration {
  version: number;
  description: string;
  statements: string[];
}

const STATUS_CHECK = `CHECK (status IN ('answered', 'uncovered', 'smalltalk'))`;
const VOTE_CHECK = `CHECK (vote IN ('up', 'down'))`;
const TRIAGE_CHECK = `CHECK (triage_state IN ('open', 'attached', 'out_of_scope', 'needs_guide'))`;
const KIND_CHECK = `CHECK (kind IN ('attach_to_guide', 'out_of_scope', 'needs_new_guide'))`;

const COMMON_INDEXES = [
  'CREATE INDEX IF NOT EXISTS turns_day ON turns (day)',
  'CREATE INDEX IF NOT EXISTS turns_at ON turns (at)',
  'CREATE INDEX IF NOT EXISTS turns_triage ON turns (triage_state, status, vote)',
  'CREATE INDEX IF NOT EXISTS turns_indicator_day ON turns (indicator, day)',
  'CREATE INDEX IF NOT EXISTS turns_commune_day ON turns (commune, day)',
  'CREATE INDEX IF NOT EXISTS outbox_due ON outbox (delivered_at, next_attempt_at)',
];

export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'turns, triage actions, outbox',
    statements: [
      `CREATE TABLE turns (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        day TEXT NOT NULL,
        week TEXT NOT NULL,
        month TEXT NOT NULL,
        channel TEXT NOT NULL,
        user_key TEXT NOT NULL,
        commune TEXT,
        text TEXT NOT NULL,
        search_text TEXT NOT NULL,
        status TEXT NOT NULL ${STATUS_CHECK},
        topic TEXT,
        indicator TEXT,
        confidence REAL NOT NULL,
        candidates TEXT NOT NULL,
        forwarded INTEGER NOT NULL DEFAULT 0,
        vote TEXT ${VOTE_CHECK},
        voted_at INTEGER,
        triage_state TEXT NOT NULL DEFAULT 'open' ${TRIAGE_CHECK},
        triage_action_id TEXT
      )`,
      `CREATE TABLE triage_actions (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL ${KIND_CHECK},
        guide_id TEXT,
        note TEXT,
        questions TEXT NOT NULL,
        turn_ids TEXT NOT NULL
      )`,
      `CREATE TABLE outbox (
        key TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        delivered_at INTEGER,
        last_error TEXT
      )`,
      ...COMMON_INDEXES,
    ],
  },
];

export const POSTGRES_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'turns, triage actions, outbox',
    statements: [
      `CREATE TABLE turns (
        id TEXT PRIMARY KEY,
        at TIMESTAMPTZ NOT NULL,
        day TEXT NOT NULL,
        week TEXT NOT NULL,
        month TEXT NOT NULL,
        channel TEXT NOT NULL,
        user_key TEXT NOT NULL,
        commune TEXT,
        text TEXT NOT NULL,
        search_text TEXT NOT NULL,
        status TEXT NOT NULL ${STATUS_CHECK},
        topic TEXT,
        indicator TEXT,
        confidence DOUBLE PRECISION NOT NULL,
        candidates TEXT NOT NULL,
        forwarded BOOLEAN NOT NULL DEFAULT FALSE,
        vote TEXT ${VOTE_CHECK},
        voted_at TIMESTAMPTZ,
        triage_state TEXT NOT NULL DEFAULT 'open' ${TRIAGE_CHECK},
        triage_action_id TEXT
      )`,
      `CREATE TABLE triage_actions (
        id TEXT PRIMARY KEY,
        at TIMESTAMPTZ NOT NULL,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL ${KIND_CHECK},
        guide_id TEXT,
        note TEXT,
        questions TEXT NOT NULL,
        turn_ids TEXT NOT NULL
      )`,
      `CREATE TABLE outbox (
        key TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TIMESTAMPTZ NOT NULL,
        delivered_at TIMESTAMPTZ,
        last_error TEXT
      )`,
      ...COMMON_INDEXES,
    ],
  },
];
