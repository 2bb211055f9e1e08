/**
 * `npm run kb -- publish` and `npm run kb -- export <dir>`.
 *
 * publish: builds the index of the knowledge/ files + the edits of the newest publication (saved but
 * unpublished /admin edits stay unpublished), records a publication in the database (SQLite under DATA_DIR or
 * PostgreSQL) and tells the running service: through Redis pub/sub when REDIS_URL is set, else with SIGHUP to
 * the pid in DATA_DIR/service.pid. Every instance also polls the database, so it is picked up anyway within
 * KNOWLEDGE_POLL_SECONDS. A failed build is recorded as a failed publication and nothing changes.
 *
 * export: writes the effective knowledge (files overlaid with the database edits) as a knowledge/ directory.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { listGuideFiles, loadKnowledgeDir } from '../knowledge/loader.js';
import { createEmbedder } from '../knowledge/setup.js';
import { validateKnowledgeBase } from '../knowledge/validate.js';
import { InProcessIndexBuilder } from './builder.js';
import { announcePublication } from './bus.js';
import { loadKnowledgeAdminConfig } from './config.js';
import { effectiveKnowledge, guideFile, overlayFromVersions } from './overlay.js';
import { knowledgeAt } from './runtime.js';
import { signalService } from './service-pid.js';
import { createKnowledgeEditStore } from './store-factory.js';

type Print = (line: string) => void;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function publishCommand(args: string[], env: NodeJS.ProcessEnv, print: Print = console.log): Promise<number> {
  const config = loadKnowledgeAdminConfig(env);
  const embedder = createEmbedder(loadConfig(env));
  const author = option(args, '--author') ?? `${env.USER || 'quản trị viên'} (dòng lệnh)`;
  const dataDir = resolve(config.DATA_DIR);
  const knowledgeDir = resolve(config.KNOWLEDGE_DIR);
  const store = await createKnowledgeEditStore(config, print);
  try {
    const latest = await store.latestPublication('ok');
    const upTo = latest?.upToVersion ?? 0;
    const overlay = upTo > 0 ? overlayFromVersions(await store.currentVersions(upTo)) : new Map<string, string | null>();
    for (const p of validateKnowledgeBase(effectiveKnowledge(knowledgeDir, overlay))) print(`⚠ ${p.file} [${p.field}] ${p.reason}`);
    const { kb, skipped } = await knowledgeAt(store, knowledgeDir, upTo);
    const base = { upToVersion: upTo, author, source: 'cli' as const, guides: kb.guides.length, at: new Date() };
    const started = performance.now();
    let hash: string;
    try {
      hash = (await new InProcessIndexBuilder(dataDir, embedder).prepare(kb)).hash;
    } catch (err) {
      const reason = (err as Error).message;
      const failed = await store.recordPublication({
        ...base, status: 'failed', indexHash: null, buildMs: 0, swapMs: 0, error: reason,
        detail: `Xuất bản từ dòng lệnh thất bại, chỉ mục cũ vẫn phục vụ. Lý do: ${reason}`,
      });
      print(`✗ Dựng chỉ mục thất bại (lần xuất bản #${failed.id}), dịch vụ giữ chỉ mục cũ: ${reason}`);
      return 1;
    }
    const buildMs = performance.now() - started;
    const publication = await store.recordPublication({
      ...base, status: 'ok', indexHash: hash, buildMs, swapMs: 0, error: skipped.length ? skipped.join('\n') : null,
      detail: `Xuất bản từ dòng lệnh: ${kb.guides.length} hướng dẫn (chỉ mục ${hash.slice(0, 8)}, dựng ${Math.round(buildMs)} ms)` +
        (skipped.length ? `; bỏ qua ${skipped.length} lỗi` : ''),
    });
    print(`✓ Lần xuất bản #${publication.id}: ${kb.guides.length} hướng dẫn, chỉ mục ${hash}, dựng ${Math.round(buildMs)} ms.`);
    if (config.REDIS_URL) {
      try {
        await announcePublication(config.REDIS_URL, config.REDIS_PREFIX, publication.id, { info: print, warn: print });
        print(`✓ Đã báo qua Redis; mọi máy chủ sẽ nạp lần xuất bản #${publication.id} trong vài giây.`);
      } catch (err) {
        print(`⚠ Không báo được qua Redis (${(err as Error).message}); các máy chủ sẽ tự nạp trong vòng ${config.KNOWLEDGE_POLL_SECONDS} giây.`);
      }
    } else {
      const signal = signalService(dataDir);
      if (signal.sent) print(`✓ Đã gửi SIGHUP tới dịch vụ (pid ${signal.pid}); dịch vụ nạp lại ngay.`);
      else print(`⚠ Không gửi được SIGHUP: ${signal.reason}. Dịch vụ đang chạy sẽ tự nạp trong vòng ${config.KNOWLEDGE_POLL_SECONDS} giây.`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

export async function exportCommand(args: string[], env: NodeJS.ProcessEnv, print: Print = console.log): Promise<number> {
  const targetArg = args.find((a) => !a.startsWith('--'));
  if (!targetArg) {
    print('Dùng: npm run kb -- export <thư mục> [--unpublished]');
    return 2;
  }
  const config = loadKnowledgeAdminConfig(env);
  const source = resolve(config.KNOWLEDGE_DIR);
  const target = resolve(targetArg);
  const store = await createKnowledgeEditStore(config, print);
  try {
    const upTo = args.includes('--unpublished') ? await store.latestVersionId() : ((await store.latestPublication('ok'))?.upToVersion ?? 0);
    const overlay = upTo > 0 ? overlayFromVersions(await store.currentVersions(upTo)) : new Map<string, string | null>();
    mkdirSync(target, { recursive: true });
    const guideFiles = new Set(listGuideFiles(source));
    if (target !== source) {
      for (const f of readdirSync(source)) {
        if (!guideFiles.has(f) && statSync(join(source, f)).isFile()) copyFileSync(join(source, f), join(target, f));
      }
    }
    let fromFiles = 0;
    let fromDb = 0;
    const hidden: string[] = [];
    const ids = new Set([...[...guideFiles].map((f) => f.replace(/\.md$/, '')), ...overlay.keys()]);
    for (const id of [...ids].sort()) {
      const path = join(target, guideFile(id));
      const edited = overlay.get(id);
      if (edited === null) {
        hidden.push(id);
        if (existsSync(path)) rmSync(path);
      } else if (edited !== undefined) {
        writeFileSync(path, edited.endsWith('\n') ? edited : `${edited}\n`);
        fromDb++;
      } else {
        if (target !== source) copyFileSync(join(source, guideFile(id)), path);
        fromFiles++;
      }
    }
    print(`✓ Đã ghi ${fromFiles + fromDb} hướng dẫn vào ${target} (${fromDb} từ cơ sở dữ liệu, ${fromFiles} từ knowledge/).`);
    if (hidden.length) print(`  Đã bỏ ${hidden.length} hướng dẫn bị xoá trong trang quản trị: ${hidden.join(', ')}`);
    const problems = validateKnowledgeBase(loadKnowledgeDir(target));
    for (const p of problems) print(`⚠ ${p.file} [${p.field}] ${p.reason}`);
    print(`  Kiểm tra: ${problems.length} lỗi.`);
    return 0;
  } finally {
    await store.close();
  }
}
