/**
 * npm run eval -- <file.jsonl> [--group vneid|dvc06|thanh-toan|chung] [--errors] [--json]
 * Lines: {"q","expect","alt","style"}; expect is a topic id, "uncovered" or "smalltalk".
 * Prints top-1 accuracy on in-scope lines, uncovered recall and precision, small-talk accuracy and top-1 by style.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { createEngineFromConfig } from '../knowledge/setup.js';
import { scoreEvaluation, formatReport, type EvalLine, type EvalOutcome } from '../knowledge/evaluation.js';

const LineSchema = z.object({
  id: z.string().optional(),
  q: z.string(),
  expect: z.string(),
  alt: z.array(z.string()).default([]),
  style: z.string().default('unknown'),
});

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('--'));
  const groupAt = argv.indexOf('--group');
  const group = groupAt >= 0 ? argv[groupAt + 1] : undefined;
  if (!file) {
    console.error('Cách dùng: npm run eval -- <tệp.jsonl> [--group vneid] [--errors] [--json]');
    return 2;
  }
  const lines: EvalLine[] = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const parsed = LineSchema.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
  const log = { info: (l: string) => console.error(l), warn: (l: string) => console.error(l) };
  const { engine } = await createEngineFromConfig(loadConfig(), log);
  const groupOf = new Map(engine.allGuides().map((g) => [g.id, g.group]));
  const selected = group
    ? lines.filter((l) => l.expect === 'uncovered' || l.expect === 'smalltalk' || groupOf.get(l.expect) === group)
    : lines;
  const outcomes: EvalOutcome[] = [];
  for (const line of selected) outcomes.push({ line, result: await engine.ask(line.q) });
  const report = scoreEvaluation(outcomes);
  if (argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
  else console.log(formatReport(report, `${file}${group ? ` (nhóm ${group})` : ''}`));
  if (argv.includes('--errors')) {
    for (const o of outcomes.filter((x) => !x.correct)) {
      console.log(`✗ [${o.line.style}] mong đợi ${o.line.expect} · nhận ${o.result.status}/${o.result.topic ?? '-'} ` +
        `p=${o.result.confidence} top=${o.result.candidates.map((c) => `${c.topic}:${c.score}`).join(',')}\n   ${o.line.q}`);
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  },
);
