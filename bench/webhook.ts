/**
 * npm run bench:webhook [-- --messages 15000 --rate 600 --connections 30 --users 3000 --concurrency 16 --split --workers 1]
 *
 * Load test of the Zalo webhook path: autocannon POSTs signed `user_send_text` bodies (distinct msg_ids,
 * real guide questions) to the app running as a child process (`--serve` role of this file, wired like
 * main.ts), whose Zalo base URLs point at a fake Zalo OA API in this process. It waits until every accepted
 * message is answered and prints ack latency, accepted and answered messages per second, and the lost and
 * duplicated answers counted at the fake Zalo server.
 *
 * A message counts as answered when the fake server receives its last reply (the one carrying the 👍/👎
 * buttons). `--rate 0` offers load as fast as autocannon can send (saturation run). `--split` runs the app as
 * processes on the same DATA_DIR: one CHANNEL_ROLE=web (webhooks, acks) and `--workers` CHANNEL_ROLE=worker
 * processes (answers; conversations split with INBOX_PARTITIONS / INBOX_PARTITION).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { answeredQuestions, APP_ID, cpuMs, FakeZalo, KNOWLEDGE_DIR, OA_SECRET, REPO, signedZaloBody, table, waitFor } from './support/zalo-load.js';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonResult {
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Options {
  messages: number;
  rate: number;
  connections: number;
  users: number;
  concurrency: number;
  split: boolean;
  workers: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '15000' },
      rate: { type: 'string', default: '600' },
      connections: { type: 'string', default: '30' },
      users: { type: 'string', default: '3000' },
      concurrency: { type: 'string', default: '16' },
      split: { type: 'boolean', default: false },
      workers: { type: 'string', default: '1' },
      serve: { type: 'boolean', default: false },
    },
  });
  const n = (k: keyof typeof values) => Number(values[k]);
  return {
    messages: n('messages'),
    rate: n('rate'),
    connections: n('connections'),
    users: n('users'),
    concurrency: n('concurrency'),
    split: values.split === true,
    workers: n('workers'),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Server role: the app as main.ts wires it (engine → createChannels → createApp → start → listen).

async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const { createEngineFromConfig } = await import('../src/knowledge/setup.js');
  const { createApp } = await import('../src/http/app.js');
  const { createChannels } = await import('../src/channels/create-channels.js');
  const { redactPii } = await import('../src/privacy/redact.js');
  const config = loadConfig();
  const log = { info: (l: string) => process.stderr.write(`${l}\n`), warn: (l: string) => process.stderr.write(`${l}\n`) };
  const { engine } = await createEngineFromConfig(config, log);
  let turns = 0;
  const recorder = {
    async record() {
      turns += 1;
      return `t${turns}`;
    },
    async vote() {},
  };
  const channels = createChannels({ engine: () => engine, recorder, redact: redactPii, dataDir: config.DATA_DIR, env: process.env, log });
  const app = createApp({ engine: () => engine, log: log.warn, routers: channels.routers });
  await channels.start();
  const server = app.listen(config.PORT, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`));
  process.on('SIGTERM', () => {
    server.close();
    void channels.stop().then(() => process.exit(0));
  });
}

type Role = 'all' | 'web' | 'worker';

function startApp(
  dataDir: string,
  zaloUrl: string,
  concurrency: number,
  role: Role,
  extraEnv: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the app process.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR,
      PORT: '0',
      ZALO_APP_ID: APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_ACCESS_TOKEN: 'bench-access-token',
      ZALO_API_BASE_URL: zaloUrl,
      ZALO_OAUTH_BASE_URL: zaloUrl,
      // The offered rate is far above the default per-channel cap; the per-user limit stays on.
      RATE_LIMIT_CHANNEL_PER_MINUTE: '0',
      INBOX_CONCURRENCY: String(concurrency),
      CHANNEL_ROLE: role,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  return new Promise((resolvePromise, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /READY (\d+)/.exec(d.toString());
      if (m) resolvePromise({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.on('exit', (code) => reject(new Error(`the app exited (${code}):\n${stderr.join('')}`)));
  });
}

async function bench(opts: Options): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-webhook-'));
  const zalo = new FakeZalo();
  const zaloUrl = await zalo.start();
  let app: { child: ChildProcess; url: string } | undefined;
  const workers: Array<{ child: ChildProcess; url: string }> = [];
  try {
    process.stderr.write('Chuẩn bị chỉ mục và câu hỏi…\n');
    const questions = await answeredQuestions(dataDir);
    if (opts.split) {
      for (let i = 0; i < opts.workers; i++) {
        workers.push(
          await startApp(dataDir, zaloUrl, opts.concurrency, 'worker', { INBOX_PARTITIONS: String(opts.workers), INBOX_PARTITION: String(i) }),
        );
      }
    }
    app = await startApp(dataDir, zaloUrl, opts.concurrency, opts.split ? 'web' : 'all');
    const pids = [app, ...workers].map((p) => p.child.pid).filter((p): p is number => p !== undefined);
    const users = Array.from({ length: opts.users }, (_, i) => String(8_312_645_790_000_000_000n + BigInt(i)));
    const expected = new Map<string, number>();
    let next = 0;
    const makeRequest = () => {
      const i = next++;
      const user = users[i % users.length]!;
      return { user, ...signedZaloBody(user, `bench${i.toString(16).padStart(16, '0')}`, questions[i % questions.length]!, String(1_763_800_000_000 + i)) };
    };

    // Warm-up (JIT, sockets, SQLite pages), not measured.
    const warm = 300;
    await Promise.all(
      Array.from({ length: warm }, async () => {
        const r = makeRequest();
        expected.set(r.user, (expected.get(r.user) ?? 0) + 1);
        await fetch(`${app!.url}/webhooks/zalo`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-ZEvent-Signature': r.signature }, body: r.body });
      }),
    );
    await waitFor(() => zalo.answered() >= warm, () => zalo.answered());
    const warmAnswered = zalo.answered();

    process.stderr.write(`Gửi ${opts.messages} tin (${opts.rate ? `${opts.rate} tin/giây` : 'tối đa'}, ${opts.connections} kết nối)…\n`);
    const startedAt = performance.now();
    const sendsBefore = zalo.sends;
    const cpuBefore = cpuMs(pids);
    let accepted = 0;
    const result = await autocannon({
      url: app.url,
      connections: opts.connections,
      amount: opts.messages,
      ...(opts.rate ? { overallRate: opts.rate } : {}),
      requests: [
        {
          method: 'POST',
          path: '/webhooks/zalo',
          setupRequest: (req: Record<string, unknown>) => {
            const r = makeRequest();
            expected.set(r.user, (expected.get(r.user) ?? 0) + 1);
            return { ...req, body: r.body, headers: { 'content-type': 'application/json', 'x-zevent-signature': r.signature } };
          },
          onResponse: (status: number) => {
            if (status === 200) accepted += 1;
          },
        },
      ],
    });
    const ackedAt = performance.now();
    await waitFor(() => zalo.answered() >= warmAnswered + accepted, () => zalo.answered());
    const doneAt = zalo.lastCompletionAt;
    const cpuAfter = cpuMs(pids);

    let lost = 0;
    let duplicated = 0;
    for (const [user, n] of expected) {
      const got = zalo.completions.get(user) ?? 0;
      if (got < n) lost += n - got;
      if (got > n) duplicated += got - n;
    }
    const answered = zalo.answered() - warmAnswered;
    const seconds = (doneAt - startedAt) / 1000;
    const ackSeconds = (ackedAt - startedAt) / 1000;
    console.log(
      table([
        ['messages offered', String(opts.messages)],
        ['offered rate', opts.rate ? `${opts.rate} msg/s` : 'unlimited'],
        ['app processes', opts.split ? `${1 + opts.workers} (web + ${opts.workers} worker)` : '1 (web and worker)'],
        ['connections / inbox workers', `${opts.connections} / ${opts.concurrency}`],
        ['accepted (HTTP 200)', String(accepted)],
        ['rejected / errors / timeouts', `${result.non2xx} / ${result.errors} / ${result.timeouts}`],
        ['ack latency p50', `${result.latency.p50} ms`],
        ['ack latency p99', `${result.latency.p99} ms`],
        ['ack latency max', `${result.latency.max} ms`],
        ['accepted msg/s', (accepted / ackSeconds).toFixed(0)],
        ['answered msg/s (first request → last answer)', (answered / seconds).toFixed(0)],
        ['backlog drained after last ack', `${Math.max(0, (doneAt - ackedAt) / 1000).toFixed(2)} s`],
        ['Zalo API calls', String(zalo.sends - sendsBefore)],
        ['app CPU per message (ack + answer)', cpuBefore !== undefined && cpuAfter !== undefined ? `${((cpuAfter - cpuBefore) / opts.messages).toFixed(2)} ms` : 'n/a'],
        ['lost', String(lost)],
        ['duplicated', String(duplicated)],
      ]),
    );
    if (lost || duplicated) process.exitCode = 1;
  } finally {
    for (const proc of [app, ...workers]) {
      if (!proc) continue;
      proc.child.kill('SIGTERM');
      await new Promise((r) => proc.child.once('exit', r));
    }
    await zalo.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) await serve();
else await bench(options());
