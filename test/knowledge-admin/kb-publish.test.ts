/**
 * `npm run kb -- publish` reaches a running single-instance service (SQLite under DATA_DIR, no Redis): an
 * edited knowledge/ file is served after the command, through the publication it records and the SIGHUP it
 * sends to the pid in DATA_DIR/service.pid. Then `kb -- export` writes the effective guides.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeDir } from '../../src/knowledge/loader.js';
import { validateKnowledgeBase } from '../../src/knowledge/validate.js';
import { adminFetch, newGuideMarkdown, NEW_GUIDE_ID, REAL_KNOWLEDGE_DIR, TOKEN } from './fixtures.js';
import { askService, REPO, startService, waitFor, type ServiceProcess } from './service-process.js';

const run = promisify(execFile);
const GUIDE = 'dvc-khai-bao-tam-vang';
const QUESTION = 'Khai báo tạm vắng trên VNeID như thế nào?';

describe('npm run kb -- publish / export', () => {
  const root = mkdtempSync(join(tmpdir(), 'kb-publish-'));
  const env = {
    DATA_DIR: join(root, 'data'),
    KNOWLEDGE_DIR: join(root, 'knowledge'),
    KNOWLEDGE_POLL_SECONDS: '600',
    ADMIN_TOKEN: TOKEN,
    USER_KEY_SECRET: 'p'.repeat(40),
  };
  let svc: ServiceProcess | undefined;
  const kb = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/kb.ts'), ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', USER: 'can-bo-xa', ...env },
    });

  beforeAll(async () => {
    cpSync(REAL_KNOWLEDGE_DIR, env.KNOWLEDGE_DIR, { recursive: true });
    svc = await startService(env);
  });
  afterAll(async () => {
    await svc?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('picks up an edited knowledge/ file in the running service', async () => {
    expect(existsSync(join(env.DATA_DIR, 'service.pid'))).toBe(true);
    expect((await askService(svc!.url, QUESTION)).text).toContain('Khai báo tạm vắng (báo công an khi đi khỏi nơi cư trú)');
    const path = join(env.KNOWLEDGE_DIR, `${GUIDE}.md`);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^title: .*$/m, 'title: Khai báo tạm vắng (sửa trong tệp)'));
    // Editing the file alone changes nothing until it is published.
    expect((await askService(svc!.url, QUESTION)).text).not.toContain('(sửa trong tệp)');

    const { stdout } = await kb('publish');
    expect(stdout).toMatch(/✓ Lần xuất bản #1: \d+ hướng dẫn/);
    expect(stdout).toMatch(/✓ Đã gửi SIGHUP tới dịch vụ \(pid \d+\)/);
    const ms = await waitFor(async () => (await askService(svc!.url, QUESTION)).text.includes('Khai báo tạm vắng (sửa trong tệp)'), 15_000, 'the edited file to be served');
    console.info(`kb publish: the running service served the edited file ${ms} ms after the command returned`);

    const { entries } = await (await adminFetch(svc!.url)('/api/admin/knowledge/audit')).json();
    expect(entries[0]).toMatchObject({ action: 'publish', actor: 'can-bo-xa (dòng lệnh)', publicationId: 1 });
  });

  it('exports the files overlaid with the database edits', async () => {
    const api = adminFetch(svc!.url);
    expect((await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'POST', json: { markdown: newGuideMarkdown() } })).status).toBe(201);
    expect((await api('/api/admin/knowledge/publish', { method: 'POST' })).status).toBe(200);
    const out = join(root, 'export');
    const { stdout } = await kb('export', out);
    expect(stdout).toMatch(/✓ Đã ghi \d+ hướng dẫn vào .* \(1 từ cơ sở dữ liệu, \d+ từ knowledge\/\)/);
    // Nothing new to complain about: the export has exactly the problems (if any) of knowledge/ itself.
    const problems = (dir: string) => validateKnowledgeBase(loadKnowledgeDir(dir)).map((p) => `${p.file} [${p.field}] ${p.reason}`);
    expect(problems(out)).toEqual(problems(REAL_KNOWLEDGE_DIR));
    expect(stdout).toContain(`Kiểm tra: ${problems(REAL_KNOWLEDGE_DIR).length} lỗi.`);
    expect(readFileSync(join(out, `${NEW_GUIDE_ID}.md`), 'utf8')).toBe(newGuideMarkdown());
    expect(readFileSync(join(out, `${GUIDE}.md`), 'utf8')).toContain('title: Khai báo tạm vắng (sửa trong tệp)');
    expect(existsSync(join(out, 'catalog.yaml'))).toBe(true);
  });
});
