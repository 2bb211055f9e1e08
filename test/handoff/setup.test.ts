/** Start-up loading of flows, communes and the staff store (src/assistant-setup.ts), as main.ts calls it. */
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAssistant } from '../../src/assistant-setup.js';
import { SqliteHandoffStore } from '../../src/handoff/store-sqlite.js';
import { PostgresHandoffStore } from '../../src/handoff/store-postgres.js';
import { TEST_DATABASE_URL, uniqueSchema } from '../feedback/postgres-harness.js';
import pg from 'pg';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function quietLog() {
  const lines: string[] = [];
  return { lines, log: { info: (l: string) => lines.push(`info: ${l}`), warn: (l: string) => lines.push(`warn: ${l}`) } };
}

describe('loadAssistant', () => {
  it('loads the shipped flows and communes and opens the SQLite store under DATA_DIR', async () => {
    dir = mkdtempSync(join(tmpdir(), 'assistant-setup-'));
    const { lines, log } = quietLog();
    const setup = await loadAssistant({ env: { FLOWS_DIR: join(ROOT, 'flows') }, knowledgeDir: join(ROOT, 'knowledge'), dataDir: dir, log });
    expect(setup.options.flows).toHaveLength(5);
    expect(setup.options.communes.size).toBe(45);
    expect(setup.options.handoffStore).toBeInstanceOf(SqliteHandoffStore);
    expect(setup.options.joinCodeTtlHours).toBe(72);
    expect(lines).toEqual(['info: Đã nạp 5 luồng hội thoại và 45 xã/phường; phiếu hỗ trợ lưu ở SQLite.']);
    await setup.close();
  });

  it('skips a broken flow with a warning naming the file and step, and reads COMMUNES_FILE', async () => {
    dir = mkdtempSync(join(tmpdir(), 'assistant-setup-'));
    copyFileSync(join(ROOT, 'flows', 'gap-can-bo.yaml'), join(dir, 'gap-can-bo.yaml'));
    writeFileSync(join(dir, 'hong.yaml'), 'id: hong\ntitle: Hỏng\nsteps:\n  - id: a\n    type: say\n    text: x\n    next: b\n');
    writeFileSync(join(dir, 'xa.csv'), 'code,name,province\n00001,Xã Thử,Tỉnh Thử\n');
    const { lines, log } = quietLog();
    const setup = await loadAssistant({ env: { FLOWS_DIR: dir, COMMUNES_FILE: join(dir, 'xa.csv') }, knowledgeDir: join(ROOT, 'knowledge'), dataDir: dir, log });
    expect(setup.options.flows.map((f) => f.id)).toEqual(['gap-can-bo']);
    expect(setup.options.communes.list().map((c) => c.name)).toEqual(['Xã Thử']);
    expect(lines[0]).toBe(`warn: Luồng hội thoại bị bỏ qua: ${join(dir, 'hong.yaml')}: bước "a": trỏ tới bước "b" không tồn tại`);
    await setup.close();
  });

  it('stops on a malformed variable, naming it', async () => {
    const { log } = quietLog();
    await expect(loadAssistant({ env: { STAFF_JOIN_CODE_TTL_HOURS: 'ba ngày' }, knowledgeDir: 'knowledge', dataDir: ':memory:', log })).rejects.toThrow(
      /STAFF_JOIN_CODE_TTL_HOURS/,
    );
  });

  it('uses PostgreSQL for staff and tickets when DATABASE_URL is set', async () => {
    const schema = uniqueSchema('test_handoff_setup');
    const { log } = quietLog();
    const setup = await loadAssistant({
      env: { FLOWS_DIR: join(ROOT, 'flows'), DATABASE_URL: TEST_DATABASE_URL, HANDOFF_DATABASE_SCHEMA: schema },
      knowledgeDir: join(ROOT, 'knowledge'),
      dataDir: ':memory:',
      log,
    });
    expect(setup.options.handoffStore).toBeInstanceOf(PostgresHandoffStore);
    expect(await setup.options.handoffStore!.listStaff()).toEqual([]);
    await setup.close();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
});
