import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { AnswerEngine } from '../../src/knowledge/engine.js';
import { loadKnowledgeDir } from '../../src/knowledge/loader.js';
import { usableKnowledge } from '../../src/knowledge/setup.js';
import { defaultEmbedder } from '../../src/knowledge/index-store.js';

const dataDir = mkdtempSync(join(tmpdir(), 'http-ask-'));
let server: Server;
let base: string;
const asked: string[] = [];

beforeAll(async () => {
  const kb = usableKnowledge(loadKnowledgeDir(join(import.meta.dirname, '../../knowledge')), () => {});
  const engine = await AnswerEngine.create(kb, { dataDir, embedder: defaultEmbedder() });
  const app = createApp({ engine: () => engine, log: () => {}, onAsk: (r) => void asked.push(r.status) });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (body: string, type = 'application/json') =>
  fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': type }, body });

describe('POST /api/ask', () => {
  it('answers with the JSON contract', async () => {
    const res = await post(JSON.stringify({ question: 'cho hoi cach kich hoat vneid' }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['candidates', 'confidence', 'q', 'status', 'text', 'topic']);
    expect(body).toMatchObject({ q: 'cho hoi cach kich hoat vneid', status: 'answered', topic: 'vneid-kich-hoat-tai-khoan' });
    expect(asked.at(-1)).toBe('answered');
  });

  it('keeps Vietnamese intact in the response', async () => {
    const body = await (await post(JSON.stringify({ question: 'xin chào' }))).json();
    expect(body.status).toBe('smalltalk');
    expect(body.q).toBe('xin chào');
  });

  it('rejects malformed JSON with 400 and a Vietnamese message', async () => {
    const res = await post('{"question": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', message: 'JSON không hợp lệ.' });
  });

  it('rejects a missing or empty question with 400', async () => {
    for (const body of ['{}', '{"question":"   "}', '{"question":42}']) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect((await res.json()).error).toBe('invalid_request');
    }
  });

  it('rejects an oversized body with 413', async () => {
    const res = await post(JSON.stringify({ question: 'a'.repeat(20_000) }));
    expect(res.status).toBe(413);
  });
});

describe('GET /healthz', () => {
  it('reports the live index', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.index.guides).toBe(56);
    expect(body.index.hash).toMatch(/^[0-9a-f]{24}$/);
  });
});
