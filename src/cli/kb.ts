/**
 * Knowledge-base commands:
 *   npm run kb -- validate [dir]   check every guide and the catalog; exit 1 on any problem
 *   npm run kb -- stats [dir]      guides, questions and "chưa xác minh" markers per group
 *   npm run kb -- publish [--author "Tên"]        publish knowledge/ (+ /admin edits) to the running service
 *   npm run kb -- export <dir> [--unpublished]     write the effective guides (files + /admin edits) to <dir>
 */
import { resolve } from 'node:path';
import { loadKnowledgeDir } from '../knowledge/loader.js';
import { countUnconfirmed, validateKnowledgeBase } from '../knowledge/validate.js';
import { exportCommand, publishCommand } from '../knowledge-admin/cli.js';

function main(argv: string[]): number {
  const [command = 'validate', dirArg] = argv;
  const dir = resolve(dirArg ?? process.env.KNOWLEDGE_DIR ?? 'knowledge');
  const kb = loadKnowledgeDir(dir);
  if (command === 'validate') {
    const problems = validateKnowledgeBase(kb);
    for (const p of problems) console.log(`✗ ${p.file} [${p.field}] ${p.reason}`);
    const covered = kb.catalog.filter((t) => kb.guides.some((g) => g.id === t.id)).length;
    console.log(
      `${kb.guides.length} hướng dẫn hợp lệ, ${covered}/${kb.catalog.length} chủ đề trong danh mục, ${problems.length} lỗi.`,
    );
    return problems.length === 0 ? 0 : 1;
  }
  if (command === 'stats') {
    const rows = new Map<string, { guides: number; questions: number; unconfirmed: number; sources: Set<string> }>();
    for (const g of kb.guides) {
      const row = rows.get(g.group) ?? { guides: 0, questions: 0, unconfirmed: 0, sources: new Set<string>() };
      row.guides += 1;
      row.questions += g.questions.length;
      row.unconfirmed += countUnconfirmed(g);
      for (const s of g.sources) row.sources.add(new URL(s.url).hostname);
      rows.set(g.group, row);
    }
    console.log('| nhóm | hướng dẫn | câu hỏi mẫu | "chưa xác minh" | nguồn (tên miền) |');
    console.log('|---|---:|---:|---:|---|');
    for (const [group, r] of rows) {
      console.log(`| ${group} | ${r.guides} | ${r.questions} | ${r.unconfirmed} | ${[...r.sources].sort().join(', ')} |`);
    }
    return 0;
  }
  console.error(`Lệnh không hợp lệ: "${command}". Dùng: validate | stats | publish | export <thư mục>`);
  return 2;
}

const argv = process.argv.slice(2);
if (argv[0] === 'publish' || argv[0] === 'export') {
  const run = argv[0] === 'publish' ? publishCommand : exportCommand;
  run(argv.slice(1), process.env).then(
    (code) => (process.exitCode = code),
    (err: Error) => {
      console.error(`✗ ${err.message}`);
      process.exitCode = 1;
    },
  );
} else process.exitCode = main(argv);
