/** The shared platform HTTP client (axios over the keep-alive adapter) against a raw loopback server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformHttp, retryAfterMs, transportError } from '../../src/channels/platform-http.js';

let server: Server;
let base: string;
const seen: Array<{ url: string; headers: Record<string, unknown>; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/slow')) return; // never answers
      if (req.url?.startsWith('/gzip')) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        res.end(gzipSync('{"error":0,"data":{"message_id":"gz"}}'));
        return;
      }
      if (req.url?.startsWith('/huge')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(`"${'x'.repeat(2 * 1024 * 1024)}"`);
        return;
      }
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '2' });
      res.end('{"error":{"code":2}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('createPlatformHttp', () => {
  it('sends JSON with query params and returns error statuses without throwing', async () => {
    const http = createPlatformHttp(2000);
    const res = await http.post(`${base}/me/messages`, { recipient: { id: '25193846071284553' } }, { params: { access_token: 't', appsecret_proof: 'p' } });
    expect(res.status).toBe(503);
    expect(res.data).toEqual({ error: { code: 2 } });
    expect(res.headers['retry-after']).toBe('2');
    const req = seen.at(-1)!;
    expect(req.url).toBe('/me/messages?access_token=t&appsecret_proof=p');
    expect(req.body).toBe('{"recipient":{"id":"25193846071284553"}}');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['content-length']).toBe(String(req.body.length));
  });

  it('decodes a gzip response', async () => {
    const res = await createPlatformHttp(2000).post(`${base}/gzip`, {});
    expect(res.data).toEqual({ error: 0, data: { message_id: 'gz' } });
  });

  it('times out, and the failure becomes a retryable AppError without the URL', async () => {
    const err = await createPlatformHttp(100).post(`${base}/slow?access_token=secret-token`, {}).catch((e: unknown) => e);
    const appError = transportError('zalo', err);
    expect(appError).toMatchObject({ code: 'upstream_failed', context: { retryable: true, reason: 'zalo:ECONNABORTED' } });
    expect(appError.message).not.toContain('secret-token');
  });

  it('refuses a response over 1 MB', async () => {
    await expect(createPlatformHttp(2000).get(`${base}/huge`)).rejects.toMatchObject({ code: 'ERR_BAD_RESPONSE' });
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString(), Date.now())).toBeGreaterThan(3000);
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
