/**
 * Real service processes (`src/main.ts`, as `npm start` runs it) on loopback, sharing one PostgreSQL schema
 * and one Redis prefix, each with its own DATA_DIR (nothing shared on disk). Each instance reaches the fake
 * Zalo server under its own path prefix (`/a`, `/b`…), so the fake server knows which instance sent what.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { KNOWLEDGE_DIR } from '../../channels/support/engine.js';
import { zaloEnv } from '../../channels/support/harness.js';

const REPO = new URL('../../../', import.meta.url).pathname;
/** Where buildTestEngine() keeps the built index; copied into each DATA_DIR so instances start fast. */
const SHARED_INDEX = join(tmpdir(), 'tro-ly-channels-test-index', 'index');

export interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  output: string[];
  dataDir: string;
  /** SIGTERM and wait for the exit (no-op when already gone). */
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export interface ClusterEnv {
  databaseUrl: string;
  schema: string;
  redisUrl: string;
  redisPrefix: string;
  zaloUrl: string;
  extra?: Record<string, string>;
}

export async function startInstance(name: string, env: ClusterEnv): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), `scale-${name}-`));
  if (existsSync(SHARED_INDEX)) cpSync(SHARED_INDEX, join(dataDir, 'index'), { recursive: true });
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/main.ts')], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR,
      DATABASE_URL: env.databaseUrl,
      DATABASE_SCHEMA: env.schema,
      REDIS_URL: env.redisUrl,
      REDIS_PREFIX: env.redisPrefix,
      // The same pseudonym key on every instance, as production requires.
      USER_KEY_SECRET: 'scale-test-user-key-secret-0123456789abcdef',
      INBOX_CONCURRENCY: '8',
      ...zaloEnv(`${env.zaloUrl}/${name}`, env.zaloUrl),
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (gone) throw new Error(`instance ${name} exited during start-up:\n${output.join('')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`instance ${name} did not start:\n${output.join('')}`);
    }
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const finish = async (signal: NodeJS.Signals) => {
    if (!gone) {
      child.kill(signal);
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { name, url, child, output, dataDir, stop: () => finish('SIGTERM'), kill9: () => finish('SIGKILL') };
}

export async function postSigned(instance: Instance, body: string, signature: string): Promise<number> {
  const res = await fetch(`${instance.url}/webhooks/zalo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-ZEvent-Signature': signature },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}
