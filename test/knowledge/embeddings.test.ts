import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiCompatibleEmbeddings } from '../../src/knowledge/embeddings/openai-compatible.js';
import { AnswerEngine } from '../../src/knowledge/engine.js';
import { loadKnowledgeDir } from '../../src/knowledge/loader.js';
import { usableKnowledge } from '../../src/knowledge/setup.js';
import { AppError } from '../../src/errors/app-error.js';
import { join } from 'node:path';
import { foldDiacritics } from '../../src/text/fold.js';

/** A fake OpenAI-compatible server: bag-of-words vectors, so similar texts get similar vectors. */
function fakeVector(text: string, dims = 64): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const w of foldDiacritics(text.toLowerCase()).split(/\W+/).filter(Boolean)) {
    v[createHash('md5').update(w).digest()[0]! % dims]! += 1;
  }
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

const requests: Array<{ auth?: string; body: { model: string; input: string[] } }> = [];
let failNext = 0;
let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.post('/v1/embeddings', express.json({ limit: '10mb' }), (req, res) => {
    requests.push({ auth: req.headers.authorization, body: req.body });
    if (failNext > 0) {
      failNext--;
      res.status(503).json({ error: { message: 'overloaded' } });
      return;
    }
    const input: string[] = req.body.input;
    // Answer out of order: the client must sort by `index`.
    const data = input.map((t, index) => ({ object: 'embedding', index, embedding: fakeVector(t) })).reverse();
    res.json({ object: 'list', model: req.body.model, data });
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => server?.close());

describe('OpenAI-compatible embeddings', () => {
  it('posts batches with the model and the API key, and keeps the input order', async () => {
    requests.length = 0;
    const emb = new OpenAiCompatibleEmbeddings({ url, model: 'test-embed', apiKey: 'sk-test', batchSize: 2 });
    const vectors = await emb.embedDocuments(['một', 'hai', 'ba']);
    expect(requests.map((r) => r.body)).toEqual([
      { model: 'test-embed', input: ['một', 'hai'] },
      { model: 'test-embed', input: ['ba'] },
    ]);
    expect(requests[0]!.auth).toBe('Bearer sk-test');
    expect(vectors).toEqual([fakeVector('một'), fakeVector('hai'), fakeVector('ba')]);
    expect(await emb.embedQuery('hai')).toEqual(fakeVector('hai'));
  });

  it('retries a 503 and then succeeds', async () => {
    requests.length = 0;
    failNext = 1;
    const emb = new OpenAiCompatibleEmbeddings({ url, model: 'test-embed' });
    expect(await emb.embedQuery('xin chào')).toEqual(fakeVector('xin chào'));
    expect(requests).toHaveLength(2);
    expect(requests[0]!.auth).toBeUndefined();
  });

  it('fails with an AppError naming the HTTP status when the server keeps failing', async () => {
    failNext = 10;
    const emb = new OpenAiCompatibleEmbeddings({ url, model: 'test-embed' });
    const err = await emb.embedQuery('x').catch((e: unknown) => e);
    failNext = 0;
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('upstream_failed');
    expect((err as AppError).message).toContain('HTTP 503');
  });

  it('drives the hybrid index end to end', async () => {
    requests.length = 0;
    const kb = usableKnowledge(loadKnowledgeDir(join(import.meta.dirname, '../../knowledge')), () => {});
    const small = { ...kb, guides: kb.guides.filter((g) => g.group === 'vneid'), calibration: [] };
    const engine = await AnswerEngine.create(small, { embedder: new OpenAiCompatibleEmbeddings({ url, model: 'test-embed' }) });
    expect(requests.length).toBeGreaterThan(1);
    const r = await engine.ask('quên mật khẩu VNeID thì lấy lại thế nào');
    expect(r.candidates[0]!.topic).toBe('vneid-quen-mat-khau-passcode');
    expect(requests.at(-1)!.body.input).toEqual(['quên mật khẩu VNeID thì lấy lại thế nào']);
  });
});
