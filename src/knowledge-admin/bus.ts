/**
 * Announces publications to the other instances through Redis pub/sub, on `<REDIS_PREFIX>:knowledge:published`.
 * A message carries the publication id and the sending instance; receivers load that publication from the
 * shared database. Messages are best effort: every instance also polls the database, so a message lost while
 * Redis was away only delays the swap until the next poll.
 */
import { Redis } from 'ioredis';
import { publicationChannel } from './config.js';
import type { PublicationAnnouncer } from './runtime.js';

const ANNOUNCE_TIMEOUT_MS = 3000;
const ERROR_LOG_EVERY_MS = 60_000;

export interface BusLog {
  info(line: string): void;
  warn(line: string): void;
}

interface Message {
  publicationId: number;
  instance: string;
}

function parseMessage(raw: string): Message | undefined {
  try {
    const m = JSON.parse(raw) as Partial<Message>;
    return Number.isInteger(m.publicationId) && typeof m.instance === 'string' ? (m as Message) : undefined;
  } catch {
    return undefined;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} quá ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export class RedisPublicationBus implements PublicationAnnouncer {
  readonly channel: string;
  private publisher?: Redis;
  private subscriber?: Redis;
  private lastErrorLog = 0;

  constructor(
    private readonly options: { url: string; prefix: string; instanceId: string; log: BusLog },
  ) {
    this.channel = publicationChannel(options.prefix);
  }

  private connect(role: string): Redis {
    const redis = new Redis(this.options.url, { maxRetriesPerRequest: 2, lazyConnect: false });
    redis.on('error', (err: Error) => {
      const now = Date.now();
      if (now - this.lastErrorLog < ERROR_LOG_EVERY_MS) return;
      this.lastErrorLog = now;
      this.options.log.warn(`Redis (${role}, thông báo xuất bản) lỗi: ${err.message}`);
    });
    return redis;
  }

  async announce(publicationId: number): Promise<void> {
    this.publisher ??= this.connect('gửi');
    const message: Message = { publicationId, instance: this.options.instanceId };
    await withTimeout(this.publisher.publish(this.channel, JSON.stringify(message)), ANNOUNCE_TIMEOUT_MS, 'gửi thông báo Redis');
  }

  /**
   * Calls `onPublication` for every publication announced by another instance, and `onReconnect` each time the
   * subscription is (re)established, so the caller can catch up on what it missed.
   */
  async subscribe(onPublication: (publicationId: number) => void, onReconnect?: () => void): Promise<void> {
    const subscriber = this.connect('nhận');
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      const m = parseMessage(raw);
      if (m && m.instance !== this.options.instanceId) onPublication(m.publicationId);
    });
    let first = true;
    const subscribeNow = () =>
      subscriber.subscribe(this.channel).catch((err: Error) => this.options.log.warn(`Không đăng ký được kênh Redis ${this.channel}: ${err.message}`));
    // On every (re)connection: subscribe again (a subscription that failed at start is never retried by
    // ioredis) and let the caller catch up on publications announced while the connection was down.
    subscriber.on('ready', () => {
      if (first) first = false;
      else {
        void subscribeNow();
        onReconnect?.();
      }
    });
    await withTimeout(subscribeNow(), ANNOUNCE_TIMEOUT_MS, 'đăng ký kênh Redis').catch((err: Error) => this.options.log.warn(err.message));
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.publisher, this.subscriber].map(async (r) => {
        if (!r) return;
        try {
          await withTimeout(r.quit(), 1000, 'đóng Redis');
        } catch {
          r.disconnect();
        }
      }),
    );
  }
}

/** One-shot announcement, for `npm run kb -- publish`. */
export async function announcePublication(url: string, prefix: string, publicationId: number, log: BusLog): Promise<void> {
  const bus = new RedisPublicationBus({ url, prefix, instanceId: `kb-cli-${process.pid}`, log });
  try {
    await bus.announce(publicationId);
  } finally {
    await bus.close();
  }
}
