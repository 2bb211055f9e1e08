/**
 * A fake platform HTTP server on loopback (Zalo OA API, Zalo OAuth, Graph API, Bot Framework connector).
 * It records every request exactly as received and answers with a programmable responder.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  raw: string;
  json: any;
}

export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Delay before answering (ms). */
  delayMs?: number;
}

export type Responder = (req: RecordedRequest, index: number) => FakeReply | Promise<FakeReply>;

export class FakePlatform {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  constructor(private responder: Responder = () => ({ status: 200, body: {} })) {}

  respond(responder: Responder): void {
    this.responder = responder;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://fake');
        let json: unknown;
        try {
          json = raw ? JSON.parse(raw) : undefined;
        } catch {
          json = undefined;
        }
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          raw,
          json,
        };
        const index = this.requests.push(recorded) - 1;
        this.notify();
        try {
          const reply = await this.responder(recorded, index);
          this.notify(); // the responder may have updated what a waiter checks
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
          res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', ...reply.headers });
          res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
        } catch {
          res.destroy();
        }
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves when `check()` holds (checked after every request), or rejects after `timeoutMs`. */
  waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake platform: condition not met after ${timeoutMs} ms (${this.requests.length} requests)`)), timeoutMs);
      this.waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  reset(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}

/** Zalo's success envelope for /v3.0/oa/message/cs. */
export function zaloOk(index: number): FakeReply {
  return { status: 200, body: { error: 0, message: 'Success', data: { message_id: `zmsg-${index}`, user_id: 'x' } } };
}

/** Graph's success body for /me/messages. */
export function graphOk(req: RecordedRequest, index: number): FakeReply {
  return { status: 200, body: { recipient_id: req.json?.recipient?.id, message_id: `m_fake_${index}` } };
}
