/**
 * End to end: a real server process on a temp DATA_DIR receives a signed Zalo webhook whose question
 * carries a personal ID number and a phone number. After the bot has answered (the fake Zalo API on
 * loopback receives the reply) and the turn is in the log, neither number appears in any file under
 * DATA_DIR, before or after shutdown, nor anywhere in the process's stdout/stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zaloHeader } from '../fixtures/channels/sign.mjs';

const REPO = resolve(import.meta.dirname, '../..');
const MAIN = join(REPO, 'src/main.ts');
/** The real service entry point, as `npm start` runs it. */
const ENTRY = MAIN;

const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
const APP_ID = '1234567890';
const OA_SECRET = 'test-oa-secret';
const USER_ID = '8312645790123456789';
const PERSONAL_ID = '001099012345';
const PHONE = '0912345678';
const QUESTION = `em kích hoạt vneid mức 2 không được, cccd của em là ${PERSONAL_ID}, sđt 0912 345 678 ạ`;
/** Every way the two numbers could be written down. */
const FORBIDDEN = [PERSONAL_ID, PHONE, '0912 345 678', '0912.345.678', '001 099 012 345'];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/** Files under `dir` whose bytes contain one of the forbidden strings (UTF-8 or UTF-16LE). */
function leaks(dir: string): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const s of FORBIDDEN) {
      if (bytes.includes(Buffer.from(s, 'utf8')) || bytes.includes(Buffer.from(s, 'utf16le'))) found.push(`${file}: ${s}`);
    }
  }
  return found;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Hết thời gian chờ: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Zalo question with an ID and a phone number (src/main.ts)', () => {
  let root: string;
  let dataDir: string;
  let zaloApi: Server;
  const sent: Array<{ url: string; body: string }> = [];
  let child: ChildProcess;
  let output = '';
  let base: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pii-e2e-'));
    dataDir = join(root, 'data');
    cpSync(join(REPO, 'knowledge'), join(root, 'knowledge'), { recursive: true });

    zaloApi = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        sent.push({ url: req.url ?? '', body });
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ error: 0, message: 'Success', data: { message_id: `m${sent.length}`, user_id: USER_ID } }));
      });
    });
    await new Promise<void>((r) => zaloApi.listen(0, '127.0.0.1', r));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: join(root, 'knowledge'),
      LOG_LEVEL: 'debug',
      ADMIN_TOKEN,
      ZALO_APP_ID: APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_ACCESS_TOKEN: 'fake-access-token',
      ZALO_API_BASE_URL: `http://127.0.0.1:${(zaloApi.address() as AddressInfo).port}`,
    };
    child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    await waitFor('máy chủ khởi động', () => {
      if (child.exitCode !== null) throw new Error(`Máy chủ dừng sớm (mã ${child.exitCode}):\n${output}`);
      return output.includes('Trợ lý đang chạy') ? true : undefined;
    }, 90_000);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await new Promise((r) => zaloApi?.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  it('answers, logs the turn redacted, and keeps both numbers out of DATA_DIR and the output', async () => {
    const body = JSON.stringify({
      app_id: APP_ID,
      sender: { id: USER_ID },
      user_id_by_app: '5523311447799001122',
      recipient: { id: '579745863508352884' },
      event_name: 'user_send_text',
      message: { text: QUESTION, msg_id: 'e2e0pii0msg0id000001' },
      timestamp: String(Date.now()),
    });
    const raw = Buffer.from(body, 'utf8');
    const timestamp = JSON.parse(body).timestamp as string;
    const res = await fetch(`${base}/webhooks/zalo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-ZEvent-Signature': zaloHeader(raw, { appId: APP_ID, timestamp, oaSecret: OA_SECRET }) },
      body: raw,
    });
    expect(res.status).toBe(200);

    // The bot answered through the (fake) Zalo API…
    const reply = await waitFor('câu trả lời gửi tới Zalo', () => sent.find((s) => s.url.startsWith('/v3.0/oa/message/cs')));
    expect(JSON.parse(reply.body).recipient).toEqual({ user_id: USER_ID });

    // …and the turn is in the log, redacted.
    const turn = await waitFor('lượt hỏi trong nhật ký', async () => {
      const r = await fetch(`${base}/api/admin/turns?search=vneid`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      const { turns } = (await r.json()) as { turns: Array<{ text: string; channel: string }> };
      return turns.find((t) => t.channel === 'zalo');
    });
    expect(turn.text).toBe('em kích hoạt vneid mức 2 không được, cccd của em là [số định danh], sđt [số điện thoại] ạ');

    expect(filesUnder(dataDir).some((f) => f.endsWith('feedback.sqlite'))).toBe(true);
    expect(leaks(dataDir)).toEqual([]);

    child.kill('SIGTERM');
    await waitFor('máy chủ dừng', () => (child.exitCode !== null || child.signalCode !== null ? true : undefined), 20_000);
    expect(leaks(dataDir)).toEqual([]);
    expect(filesUnder(dataDir).reduce((n, f) => n + statSync(f).size, 0)).toBeGreaterThan(0);

    expect(output).toContain('Trợ lý đang chạy');
    for (const s of FORBIDDEN) expect(output).not.toContain(s);
  });
});
