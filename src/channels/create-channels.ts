/**
 * Builds every channel from configuration: the bot, the stores, the inbox workers, the platform clients and
 * the express routers. main.ts mounts `routers` into createApp and calls `start()` before listening and
 * `stop()` on shutdown.
 */
import type { Router } from 'express';
import { ConversationState, type TurnContext } from 'botbuilder';
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
  /** Defaults to the embedded SQLite database under dataDir. */
  storage?: ChannelStorageBackend;
  /** Retries inside one delivery attempt (tests shorten them). */
  retry?: RetryPolicy;
  /** Waits before the inbox retries an item whose delivery failed; then it is recorded as failed. */
  retryDelaysMs?: readonly number[];
}

export interface Channels {
  routers: Router[];
  enabled: { zalo: boolean; messenger: boolean };
  role: ChannelRole;
  inbox: Inbox;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** 5 s, 30 s, 2 min, 10 min, 30 min, 1 h: a platform outage of about two hours loses nothing. */
export const DEFAULT_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];
/** Finished inbox rows are kept this long to recognise redeliveries (Meta retries for up to 36 hours). */
const INBOX_RETENTION_MS = 3 * 24 * 60 * 60 * 1000;
const BOT_STATE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

export function createChannels(deps: ChannelDeps): Channels {
  const config = deps.config ?? loadChannelConfig(deps.env ?? process.env);
  const { log } = deps;
  const storage = createChannelStorage({ backend: deps.storage ?? 'sqlite', dataDir: deps.dataDir });
  const conversationState = new ConversationState(storage.botState);
  const bot = new AssistantBot({ engine: deps.engine, recorder: deps.recorder, conversationState, log });
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
    // Items stored by other processes are found by polling: always for a worker, and for `all` processes
    // that share the inbox with others.
    discoverEveryMs: config.role === 'worker' || config.inboxPartition.count > 1 ? config.inboxPollMs : undefined,
    owns: (conversation) => partitionOf(conversation, config.inboxPartition.count) === config.inboxPartition.index,
  });
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
    handlers[MESSENGER_CHANNEL] = (item, progress) => adapter.processItem(item, progress, runBot);
    if (serves) {
      routers.push(messengerWebhookRouter({ appSecret: m.appSecret, verifyToken: m.verifyToken, redact: deps.redact, accept, log }));
    }
  }
  if (serves) {
    routers.push(botFrameworkRouter({ bot, conversationState, config: config.botFramework, log }));
    routers.push(webChatRouter({ bot, conversationState, log }));
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
    async start() {
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
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(pruneTimer);
      await inbox.stop();
      http.defaults.httpAgent?.destroy?.();
      http.defaults.httpsAgent?.destroy?.();
      storage.close();
    },
  };
}
