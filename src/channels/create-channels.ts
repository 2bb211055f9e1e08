/**
 * Builds every channel from configuration: the bot, the stores, the inbox workers, the platform clients and
 * the express routers. main.ts mounts `routers` into createApp and calls `start()` before listening and
 * `stop()` on shutdown.
 */
import type { Router } from 'express';
import { ConversationState, UserState, type TurnContext } from 'botbuilder';
import type { AnswerEngine } from '../knowledge/engine.js';
import type { TurnRecorder } from '../feedback/turn-types.js';
import { AssistantBot } from '../bot/assistant-bot.js';
import { Inbox, partitionOf, type InboxHandler } from '../inbox/inbox.js';
import type { NewInboxItem } from '../storage/inbox-store.js';
import { createChannelStorage, type ChannelStorageBackend } from '../storage/channel-storage.js';
import { loadChannelConfig, type ChannelConfig, type ChannelRole } from './config.js';
import { createPlatformHttp } from './platform-http.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { ZaloTokenManager } from './zalo/token-manager.js';
import { ZaloApiClient } from './zalo/api-client.js';
import { ZaloAdapter } from './zalo/adapter.js';
import { zaloWebhookRouter } from './zalo/webhook.js';
import { ZALO_CHANNEL } from './zalo/events.js';
import { MessengerSendClient } from './messenger/send-client.js';
import { MessengerAdapter } from './messenger/adapter.js';
import { messengerWebhookRouter } from './messenger/webhook.js';
import { MESSENGER_CHANNEL } from './messenger/events.js';
import { botFrameworkRouter } from './botframework/routes.js';
import { webChatRouter } from './webchat/routes.js';
import { FencedStateStorage } from './fenced-state.js';
import { rateLimitMiddleware } from './rate-limit.js';
import type { Flow } from '../dialogs/flow-schema.js';
import type { CommuneDirectory } from '../communes/commune-directory.js';
import { HandoffService } from '../handoff/service.js';
import { BotStateAddressBook } from '../handoff/address-book.js';
import type { HandoffStore } from '../handoff/types.js';
import { ChannelNotifier } from './proactive-notifier.js';

export interface ChannelLog {
  info(line: string): void;
  warn(line: string): void;
}

export interface ChannelDeps {
  engine: () => AnswerEngine;
  recorder: TurnRecorder;
  /** Removes personal data from a citizen's text before it is stored (src/privacy/redact.ts: redactPii). */
  redact: (text: string) => string;
  dataDir: string;
  /** Environment to read the channel variables from (see loadChannelConfig); ignored when `config` is given. */
  env?: NodeJS.ProcessEnv;
  config?: ChannelConfig;
  log: ChannelLog;
  /**
   * The embedded backend (default: SQLite under dataDir). DATABASE_URL / REDIS_URL in the configuration
   * move the inbox and tokens to PostgreSQL and state, locks and rate limits to Redis (several instances).
   */
  storage?: ChannelStorageBackend;
  /** Retries inside one delivery attempt (tests shorten them). */
  retry?: RetryPolicy;
  /** Waits before the inbox retries an item whose delivery failed; then it is recorded as failed. */
  retryDelaysMs?: readonly number[];
  /** Guided flows, communes and commune staff (main.ts loads them); without them the bot only answers questions. */
  assistant?: AssistantOptions;
}

export interface AssistantOptions {
  flows: readonly Flow[];
  communes: CommuneDirectory;
  /** Staff, join codes and tickets; without a store the bot offers no handoff to staff. */
  handoffStore?: HandoffStore;
  joinCodeTtlHours?: number;
  now?: () => Date;
}

export interface Channels {
  routers: Router[];
  enabled: { zalo: boolean; messenger: boolean };
  role: ChannelRole;
  inbox: Inbox;
  /** Commune staff and tickets (for the admin API); null without a handoff store. */
  handoff: HandoffService | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** 5 s, 30 s, 2 min, 10 min, 30 min, 1 h: a platform outage of about two hours loses nothing. */
export const DEFAULT_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];
/** A shared inbox is polled at most this often: each poll is one query per instance. */
const MIN_SHARED_POLL_MS = 100;
/** On a shared inbox, items another instance received are taken once they waited this long. */
const SHARED_STEAL_AFTER_MS = 1000;
/** Finished inbox rows are kept this long to recognise redeliveries (Meta retries for up to 36 hours). */
const INBOX_RETENTION_MS = 3 * 24 * 60 * 60 * 1000;
const BOT_STATE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

export function createChannels(deps: ChannelDeps): Channels {
  const config = deps.config ?? loadChannelConfig(deps.env ?? process.env);
  const { log } = deps;
  const storage = createChannelStorage({
    backend: deps.storage ?? 'sqlite',
    dataDir: deps.dataDir,
    shared: config.shared,
    rateLimits: config.rateLimits,
    botStateTtlMs: BOT_STATE_RETENTION_MS,
    onError: log.warn,
  });
  const conversationState = new ConversationState(new FencedStateStorage(storage.botState));
  const userState = new UserState(new FencedStateStorage(storage.botState));
  const notifier = new ChannelNotifier(log);
  const assistant = deps.assistant;
  const handoff = assistant?.handoffStore
    ? new HandoffService({
        store: assistant.handoffStore, notifier, addresses: new BotStateAddressBook(storage.botState), communes: assistant.communes,
        recorder: deps.recorder, redact: deps.redact, log, now: assistant.now, joinCodeTtlHours: assistant.joinCodeTtlHours,
      })
    : null;
  const bot = new AssistantBot({
    engine: deps.engine, recorder: deps.recorder, conversationState, userState, log,
    flows: assistant?.flows, communes: assistant?.communes, handoff, redact: deps.redact,
  });
  const http = createPlatformHttp(config.httpTimeoutMs);
  const retry = deps.retry ?? DEFAULT_RETRY_POLICY;
  const runBot = (context: TurnContext) => bot.run(context);
  const adapterOptions = { log, resetConversation: (context: TurnContext) => conversationState.delete(context) };

  const handlers: Record<string, InboxHandler> = {};
  const inbox = new Inbox({
    store: storage.inbox,
    handlers,
    concurrency: config.inboxConcurrency,
    retryDelaysMs: deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    log,
    // Items stored by other processes are found by polling: always for a worker, for `all` processes that
    // split a SQLite inbox, and for every instance on a shared PostgreSQL inbox (which also takes over the
    // items of an instance that died, once their lock expired).
    discoverEveryMs: storage.sharedInbox
      ? Math.max(config.inboxPollMs, MIN_SHARED_POLL_MS)
      : config.role === 'worker' || config.inboxPartition.count > 1
        ? config.inboxPollMs
        : undefined,
    owns: (conversation) => partitionOf(conversation, config.inboxPartition.count) === config.inboxPartition.index,
    // An instance that receives webhooks takes its own items at once; the others step in after a second
    // (it is slow or gone), so two instances rarely race for the same new item.
    discoverMinAgeMs: storage.sharedInbox && config.role === 'all' ? SHARED_STEAL_AFTER_MS : 0,
    lock: storage.lock,
    leaseMs: config.lockTtlMs,
  });
  const limitRate = rateLimitMiddleware(storage.rateLimiter, log);
  const answers = config.role !== 'web';
  const serves = config.role !== 'worker';
  // A web process only stores; the worker process finds the items in the shared inbox.
  const accept = (items: NewInboxItem[]) => (answers ? inbox.accept(items) : storage.inbox.add(items));
  const routers: Router[] = [];
  const startTasks: Array<() => Promise<void>> = [];

  if (config.zalo) {
    const z = config.zalo;
    const tokens = new ZaloTokenManager({
      appId: z.appId,
      appSecretKey: z.appSecretKey,
      accessToken: z.accessToken,
      refreshToken: z.refreshToken,
      oauthBaseUrl: z.oauthBaseUrl,
      http,
      store: storage.tokens,
      log,
    });
    const adapter = new ZaloAdapter(new ZaloApiClient({ apiBaseUrl: z.apiBaseUrl, http, tokens, retry }), z.apiBaseUrl, adapterOptions);
    adapter.use(limitRate);
    notifier.register(ZALO_CHANNEL, adapter);
    handlers[ZALO_CHANNEL] = (item, progress) => adapter.processItem(item, progress, runBot);
    if (serves) routers.push(zaloWebhookRouter({ keys: { appId: z.appId, oaSecretKey: z.oaSecretKey }, redact: deps.redact, accept, log }));
    if (answers) startTasks.push(() => tokens.init());
  }
  if (config.messenger) {
    const m = config.messenger;
    const client = new MessengerSendClient({
      graphBaseUrl: m.graphBaseUrl,
      pageAccessToken: m.pageAccessToken,
      appSecret: m.appSecret,
      http,
      retry,
      log,
    });
    const adapter = new MessengerAdapter(client, m.graphBaseUrl, adapterOptions);
    adapter.use(limitRate);
    notifier.register(MESSENGER_CHANNEL, adapter);
    handlers[MESSENGER_CHANNEL] = (item, progress) => adapter.processItem(item, progress, runBot);
    if (serves) {
      routers.push(messengerWebhookRouter({ appSecret: m.appSecret, verifyToken: m.verifyToken, redact: deps.redact, accept, log }));
    }
  }
  if (serves) {
    routers.push(botFrameworkRouter({ bot, conversationState, config: config.botFramework, log, middleware: [limitRate] }));
    routers.push(webChatRouter({ bot, conversationState, log, middleware: [limitRate] }));
  }

  let pruneTimer: NodeJS.Timeout | undefined;
  const prune = async () => {
    try {
      const now = Date.now();
      const removed = await storage.inbox.pruneFinished(now - INBOX_RETENTION_MS);
      const forgotten = await storage.pruneBotState(now - BOT_STATE_RETENTION_MS);
      if (removed || forgotten) log.info(`Hộp thư: đã dọn ${removed} tin đã xử lý và ${forgotten} hội thoại cũ.`);
    } catch (err) {
      log.warn(`Hộp thư: không dọn được dữ liệu cũ (${(err as Error).message}).`);
    }
  };

  let stopped = false;
  return {
    routers,
    enabled: { zalo: Boolean(config.zalo), messenger: Boolean(config.messenger) },
    role: config.role,
    inbox,
    handoff,
    async start() {
      await storage.init();
      for (const task of startTasks) await task();
      if (answers) {
        await inbox.start();
        await prune();
        pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
        pruneTimer.unref();
      }
      const on = [config.zalo && 'Zalo', config.messenger && 'Messenger', serves && 'Bot Framework', serves && 'web chat (/chat)'].filter(Boolean);
      const role = { all: 'nhận và trả lời', web: 'chỉ nhận webhook', worker: 'chỉ trả lời tin trong hộp thư' }[config.role];
      log.info(`Kênh đang bật: ${on.join(', ')} (vai trò ${config.role}: ${role}).`);
      const { inbox: inboxBackend, state } = storage.backends;
      if (inboxBackend === 'postgres' || state === 'redis') {
        log.info(`Lưu trữ dùng chung: hộp thư ${inboxBackend}, trạng thái hội thoại, khóa và giới hạn tốc độ ${state === 'redis' ? 'Redis' : 'trong tiến trình'}.`);
        if (inboxBackend !== 'postgres' || state !== 'redis') {
          log.warn('Chạy nhiều phiên bản cần cả DATABASE_URL (PostgreSQL) và REDIS_URL (Redis); với cấu hình này chỉ chạy một phiên bản.');
        }
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(pruneTimer);
      await inbox.stop();
      http.defaults.httpAgent?.destroy?.();
      http.defaults.httpsAgent?.destroy?.();
      await storage.close();
    },
  };
}
