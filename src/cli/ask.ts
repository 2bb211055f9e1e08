/**
 * npm run ask -- "câu hỏi"           the reply as a citizen would see it
 * npm run ask -- --json "câu hỏi"    one JSON object {q,status,topic,confidence,candidates,text}
 * npm run ask -- --jsonl             one question per stdin line → one JSON object per stdout line
 * Operator messages go to stderr so stdout stays machine-readable.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../config.js';
import { createEngineFromConfig } from '../knowledge/setup.js';
import { toResponse } from '../knowledge/engine.js';

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const jsonl = argv.includes('--jsonl');
  const question = argv.filter((a) => !a.startsWith('--')).join(' ').trim();
  if (!jsonl && !question) {
    console.error('Cách dùng: npm run ask -- [--json] "câu hỏi"   hoặc   npm run ask -- --jsonl < cau-hoi.txt');
    return 2;
  }
  const config = loadConfig();
  const quiet = { info: (l: string) => console.error(l), warn: (l: string) => console.error(l) };
  const { engine } = await createEngineFromConfig(config, quiet);

  if (jsonl) {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    const out: string[] = [];
    for await (const line of rl) {
      out.push(JSON.stringify(toResponse(await engine.ask(line))));
      if (out.length >= 256) process.stdout.write(`${out.splice(0).join('\n')}\n`);
    }
    if (out.length) process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  }
  const result = await engine.ask(question);
  if (json) process.stdout.write(`${JSON.stringify(toResponse(result))}\n`);
  else process.stdout.write(`${result.pieces.join('\n\n———\n\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  },
);
