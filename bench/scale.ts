/**
 * npm run bench:scale [-- --messages 2000 --connections 16 --users 1000 --concurrency 16 --no-sqlite]
 *
 * Throughput of the service with one and with two instances (`src/main.ts`, as `npm start` runs it) on this
 * machine: signed Zalo `user_send_text` webhooks (distinct msg_ids, real guide questions) are POSTed as fast
 * as `--connections` concurrent clients allow, round-robin over the instances (what a load balancer does),
 * and every answer is counted at a fake Zalo OA API in this process. Runs, each on a fresh schema / prefix:
 *
 *   1. embedded SQLite, one instance (today's default, for reference; skip with --no-sqlite)
 *   2. PostgreSQL + Redis, one instance
 *   3. PostgreSQL + Redis, two instances
 *
 * and prints a markdown table: answered messages per second (first request → last answer), webhook ack
 * latency p50/p99 (client-side, exact percentiles), lost and duplicated answers, and the instances' CPU per
 * message (PostgreSQL and Redis not included). Needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432/test) and
 * Redis (REDIS_URL or 127.0.0.1:6379).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { answeredQuestions, APP_ID, cpuMs, FakeZalo, KNOWLEDGE_DIR, OA_SECRET, REPO, signedZaloBody, waitFor } from './support/zalo-load.js';

const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

interface Options {
  messages: number;
  connections: number;
  users: number;
  concurrency: number;
  sqlite: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '16' },
      users: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '16' },
      'no-sqlite': { type: 'boolean', default: false },
    },
  });
  return {
    messages: Number(values.messages),
    connections: Number(values.connections),
    users: Number(values.users),
    concurrency: Number(values.concurrency),
    sqlite: values['no-sqlite'] !== true,
  };
}

interface Setup {
  label: string;
  instances: number;
  shared: boolean;
}

interface Instance {
  child: ChildProcess;
  url: string;
  dataDir: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function startInstance(indexDir: string, zaloUrl: string, concurrency: number, shared: Record<string, string>): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
  cpSync(join(indexDir, 'index'), join(dataDir, 'index'), { recursive: true });
  const port = await freePort();
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the instances.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(REPO, 'src/main.ts')], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR,
      USER_KEY_SECRET: 'bench-scale-user-key-secret-0123456789abcdef',
      ZALO_APP_ID: APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_ACCESS_TOKEN: 'bench-access-token',
      ZALO_API_BASE_URL: zaloUrl,
      ZALO_OAUTH_BASE_URL: zaloUrl,
      INBOX_CONCURRENCY: String(concurrency),
      // Far above the default per-channel cap; the per-user limit stays on (each user sends a few messages).
      RATE_LIMIT_CHANNEL_PER_MINUTE: '0',
      ...shared,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) {
    if (exited || Date.now() > deadline) throw new Error(`the service did not start:\n${stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, dataDir };
}

async function stopInstance(instance: Instance): Promise<void> {
  if (instance.child.exitCode === null) {
    const exited = new Promise((r) => instance.child.once('exit', r));
    instance.child.kill('SIGTERM');
    await exited;
  }
  rmSync(instance.dataDir, { recursive: true, force: true });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
}

interface RunResult {
  setup: Setup;
  accepted: number;
  rejected: number;
  answeredPerSecond: number;
  acceptedPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicated: number;
  cpuPerMessageMs: number | undefined;
}

async function run(setup: Setup, opts: Options, indexDir: string, questions: string[]): Promise<RunResult> {
  const zalo = new FakeZalo();
  const zaloUrl = await zalo.start();
  const schema = `bench_scale_${process.pid}_${randomBytes(3).toString('hex')}`;
  const prefix = `bench-scale:${process.pid}:${randomBytes(3).toString('hex')}`;
  const shared: Record<string, string> = setup.shared ? { DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL, REDIS_PREFIX: prefix } : {};
  const instances: Instance[] = [];
  try {
    process.stderr.write(`${setup.label}, ${setup.instances} phiên bản: khởi động…\n`);
    for (let i = 0; i < setup.instances; i++) instances.push(await startInstance(indexDir, zaloUrl, opts.concurrency, shared));
    const users = Array.from({ length: opts.users }, (_, i) => String(8_312_645_790_000_000_000n + BigInt(i)));
    const expected = new Map<string, number>();
    let next = 0;
    const post = async (): Promise<{ status: number; ms: number }> => {
      const i = next++;
      const user = users[i % users.length]!;
      const instance = instances[i % instances.length]!;
      const { body, signature } = signedZaloBody(user, `scale${i.toString(16).padStart(16, '0')}`, questions[i % questions.length]!, String(1_763_800_000_000 + i));
      expected.set(user, (expected.get(user) ?? 0) + 1);
      const started = performance.now();
      const res = await fetch(`${instance.url}/webhooks/zalo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-ZEvent-Signature': signature },
        body,
      });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    };

    // Warm-up (JIT, connections, caches), not measured; one message per user at most.
    const warm = Math.min(200, opts.users);
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < warm) await post();
    }));
    await waitFor(() => zalo.answered() >= warm, () => zalo.answered());
    const warmAnswered = zalo.answered();

    process.stderr.write(`  gửi ${opts.messages} tin (${opts.connections} kết nối)…\n`);
    const pids = instances.map((p) => p.child.pid).filter((p): p is number => p !== undefined);
    const cpuBefore = cpuMs(pids);
    const latencies: number[] = [];
    let accepted = 0;
    let rejected = 0;
    const end = next + opts.messages;
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: opts.connections }, async () => {
        while (next < end) {
          const r = await post().catch(() => ({ status: 0, ms: 0 }));
          if (r.status === 200) {
            accepted += 1;
            latencies.push(r.ms);
          } else rejected += 1;
        }
      }),
    );
    const ackedAt = performance.now();
    await waitFor(() => zalo.answered() >= warmAnswered + accepted, () => zalo.answered());
    const doneAt = Math.max(zalo.lastCompletionAt, ackedAt);
    const cpuAfter = cpuMs(pids);

    let lost = 0;
    let duplicated = 0;
    for (const [user, n] of expected) {
      const got = zalo.completions.get(user) ?? 0;
      if (got < n) lost += n - got;
      if (got > n) duplicated += got - n;
    }
    latencies.sort((x, y) => x - y);
    const answered = zalo.answered() - warmAnswered;
    return {
      setup,
      accepted,
      rejected,
      answeredPerSecond: answered / ((doneAt - startedAt) / 1000),
      acceptedPerSecond: accepted / ((ackedAt - startedAt) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? 0,
      lost,
      duplicated,
      cpuPerMessageMs: cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / opts.messages : undefined,
    };
  } finally {
    for (const instance of instances) await stopInstance(instance);
    await zalo.close();
    if (setup.shared) await dropShared(schema, prefix);
  }
}

async function dropShared(schema: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

function markdown(results: RunResult[], opts: Options): string {
  const head = ['setup', 'instances', 'answered msg/s', 'accepted msg/s', 'ack p50', 'ack p99', 'ack max', 'lost', 'duplicated', 'instance CPU / msg'];
  const rows = results.map((r) => [
    r.setup.label,
    String(r.setup.instances),
    r.answeredPerSecond.toFixed(0),
    r.acceptedPerSecond.toFixed(0),
    `${r.p50.toFixed(1)} ms`,
    `${r.p99.toFixed(1)} ms`,
    `${r.max.toFixed(1)} ms`,
    String(r.lost),
    String(r.duplicated),
    r.cpuPerMessageMs === undefined ? 'n/a' : `${r.cpuPerMessageMs.toFixed(2)} ms`,
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    `${opts.messages} messages per run from ${opts.users} users, ${opts.connections} concurrent clients round-robin over the instances, INBOX_CONCURRENCY=${opts.concurrency}; this machine has the instances, PostgreSQL, Redis, the fake Zalo API and the load generator on the same cores.`,
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
  ].join('\n');
}

async function main(): Promise<void> {
  const opts = options();
  const indexDir = mkdtempSync(join(tmpdir(), 'bench-scale-index-'));
  try {
    process.stderr.write('Chuẩn bị chỉ mục và câu hỏi…\n');
    const questions = await answeredQuestions(indexDir);
    const setups: Setup[] = [
      ...(opts.sqlite ? [{ label: 'SQLite (embedded default)', instances: 1, shared: false }] : []),
      { label: 'PostgreSQL + Redis', instances: 1, shared: true },
      { label: 'PostgreSQL + Redis', instances: 2, shared: true },
    ];
    const results: RunResult[] = [];
    for (const setup of setups) results.push(await run(setup, opts, indexDir, questions));
    console.log(markdown(results, opts));
    if (results.some((r) => r.lost || r.duplicated || r.rejected)) process.exitCode = 1;
  } finally {
    rmSync(indexDir, { recursive: true, force: true });
  }
}

await main();
