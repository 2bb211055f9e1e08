/**
 * Pieces shared by the webhook benchmarks (bench/webhook.ts, bench/scale.ts): a fake Zalo OA API that counts
 * answers per user, signed `user_send_text` bodies, questions the engine answers, CPU time from /proc, a
 * progress wait and a plain-text table.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const KNOWLEDGE_DIR = join(REPO, 'knowledge');
export const APP_ID = '1234567890';
export const OA_ID = '579745863508352884';
export const OA_SECRET = 'bench-oa-secret';

/** Fake Zalo OA API: counts answers per user (an answer's last message carries the 👍/👎 buttons). */
export class FakeZalo {
  readonly completions = new Map<string, number>();
  sends = 0;
  firstCompletionAt = 0;
  lastCompletionAt = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.sends += 1;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (body.message?.attachment) {
            const user = String(body.recipient.user_id);
            this.completions.set(user, (this.completions.get(user) ?? 0) + 1);
            this.lastCompletionAt = performance.now();
            this.firstCompletionAt ||= this.lastCompletionAt;
          }
        } catch {
          // counted as a send; a malformed body would show up as a lost answer
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(`{"error":0,"message":"Success","data":{"message_id":"z${this.sends}"}}`);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answered(): number {
    let n = 0;
    for (const v of this.completions.values()) n += v;
    return n;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export function signedZaloBody(userId: string, msgId: string, text: string, timestamp: string): { body: string; signature: string } {
  const body = JSON.stringify({
    app_id: APP_ID,
    sender: { id: userId },
    user_id_by_app: '5523311447799001122',
    recipient: { id: OA_ID },
    event_name: 'user_send_text',
    message: { text, msg_id: msgId },
    timestamp,
  });
  const mac = createHash('sha256').update(APP_ID).update(body).update(timestamp).update(OA_SECRET).digest('hex');
  return { body, signature: `mac=${mac}` };
}

export async function answeredQuestions(dataDir: string): Promise<string[]> {
  // Builds the index once here; the child then loads it from the same DATA_DIR.
  const { loadConfig } = await import('../../src/config.js');
  const { createEngineFromConfig } = await import('../../src/knowledge/setup.js');
  const config = loadConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR } as NodeJS.ProcessEnv);
  const { engine } = await createEngineFromConfig(config, { info: () => {}, warn: () => {} });
  const out: string[] = [];
  for (const guide of engine.allGuides()) {
    for (const q of guide.questions.slice(0, 4)) if ((await engine.ask(q)).status === 'answered') out.push(q);
  }
  return out;
}

/** CPU time (user + system, ms) used so far by the processes, from /proc (Linux); undefined elsewhere. */
export function cpuMs(pids: number[]): number | undefined {
  try {
    let ms = 0;
    for (const pid of pids) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, clock ticks (USER_HZ = 100)
    }
    return ms;
  } catch {
    return undefined;
  }
}

/** Waits until `check()` holds, or until `progress()` has not changed for `stallMs`. */
export async function waitFor(check: () => boolean, progress: () => number, stallMs = 30_000): Promise<void> {
  let last = progress();
  let lastChange = Date.now();
  while (!check()) {
    await new Promise((r) => setTimeout(r, 20));
    const now = progress();
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) return;
  }
}

export function table(rows: Array<[string, string]>): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  const v = Math.max(...rows.map(([, x]) => x.length));
  const line = `+${'-'.repeat(w + 2)}+${'-'.repeat(v + 2)}+`;
  return [line, ...rows.map(([k, x]) => `| ${k.padEnd(w)} | ${x.padStart(v)} |`), line].join('\n');
}
