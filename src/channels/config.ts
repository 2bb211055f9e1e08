/**
 * Channel configuration, parsed by zod from the environment. A channel is enabled only when its secrets are
 * set; a half-configured channel stops start-up with a message naming the missing variable.
 */
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { loadStorageConfig, type SharedStorageConfig } from '../storage/config.js';

const optionalString = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().optional());
const baseUrl = (fallback: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .url('phải là địa chỉ http(s) đầy đủ, ví dụ https://openapi.zalo.me')
      .refine((u) => /^https?:\/\//.test(u), 'phải bắt đầu bằng http:// hoặc https://')
      .default(fallback)
      .transform((u) => u.replace(/\/+$/, '')),
  );
const positiveInt = (fallback: number, max: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(max).default(fallback));
const boundedInt = (fallback: number, min: number, max: number, hint: string) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int(hint).min(min, hint).max(max, hint).default(fallback));

export const ChannelEnvSchema = z.object({
  ZALO_APP_ID: optionalString.refine((v) => v === undefined || /^\d+$/.test(v), 'phải là dãy số (app id trên developers.zalo.me)'),
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_APP_SECRET_KEY: optionalString,
  ZALO_ACCESS_TOKEN: optionalString,
  ZALO_REFRESH_TOKEN: optionalString,
  ZALO_API_BASE_URL: baseUrl('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE_URL: baseUrl('https://oauth.zaloapp.com'),
  MESSENGER_APP_SECRET: optionalString,
  MESSENGER_VERIFY_TOKEN: optionalString,
  MESSENGER_PAGE_ACCESS_TOKEN: optionalString,
  MESSENGER_GRAPH_BASE_URL: baseUrl('https://graph.facebook.com/v26.0'),
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TYPE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
  MICROSOFT_APP_TENANT_ID: optionalString,
  INBOX_CONCURRENCY: positiveInt(16, 256),
  CHANNEL_ROLE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['all', 'web', 'worker']).default('all')),
  INBOX_POLL_MS: positiveInt(20, 10_000),
  INBOX_PARTITIONS: positiveInt(1, 64),
  INBOX_PARTITION: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(63).default(0)),
  CHANNEL_HTTP_TIMEOUT_MS: positiveInt(10_000, 120_000),
  /** How long a conversation stays locked by an instance that stopped answering (a heartbeat extends it). */
  CONVERSATION_LOCK_TTL_MS: boundedInt(20_000, 1000, 600_000, 'phải là số mili giây nguyên từ 1000 đến 600000, ví dụ 20000'),
  RATE_LIMIT_USER_PER_MINUTE: boundedInt(20, 0, 10_000, 'phải là số nguyên từ 0 (không giới hạn) đến 10000, ví dụ 20'),
  RATE_LIMIT_CHANNEL_PER_MINUTE: boundedInt(6000, 0, 10_000_000, 'phải là số nguyên từ 0 (không giới hạn) đến 10000000, ví dụ 6000'),
});

export type ChannelEnv = z.infer<typeof ChannelEnvSchema>;

export interface ZaloChannelConfig {
  appId: string;
  oaSecretKey: string;
  appSecretKey: string | null;
  accessToken: string | null;
  refreshToken: string | null;
  apiBaseUrl: string;
  oauthBaseUrl: string;
}

export interface MessengerChannelConfig {
  appSecret: string;
  verifyToken: string;
  pageAccessToken: string;
  graphBaseUrl: string;
}

export interface BotFrameworkConfig {
  appId: string | null;
  appPassword: string | null;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId: string | null;
}

/**
 * `all`: one process receives webhooks and answers them. `web`: receives and stores only. `worker`: answers
 * what web processes stored (found by polling the inbox every INBOX_POLL_MS). Several answering processes
 * on one DATA_DIR split the conversations with INBOX_PARTITIONS / INBOX_PARTITION (0-based), one each.
 */
export type ChannelRole = 'all' | 'web' | 'worker';

export interface ChannelConfig {
  role: ChannelRole;
  inboxPollMs: number;
  /** This process answers the conversations of partition `index` out of `count` (see partitionOf). */
  inboxPartition: { index: number; count: number };
  zalo: ZaloChannelConfig | null;
  messenger: MessengerChannelConfig | null;
  botFramework: BotFrameworkConfig;
  inboxConcurrency: number;
  httpTimeoutMs: number;
  /** Expiry of the per-conversation lock and of inbox claims (ms). */
  lockTtlMs: number;
  /** Messages per user and per channel in a one-minute sliding window (0 = unlimited). */
  rateLimits: { perUser: number; perChannel: number; windowMs: number };
  /** PostgreSQL / Redis shared by several instances (src/storage/config.ts); null parts use the embedded defaults. */
  shared: SharedStorageConfig;
}

function invalid(lines: string[]): AppError {
  return new AppError('invalid_config', `Cấu hình kênh không hợp lệ:\n${lines.map((l) => `- ${l}`).join('\n')}`);
}

export function loadChannelConfig(env: NodeJS.ProcessEnv = process.env): ChannelConfig {
  const parsed = ChannelEnvSchema.safeParse(env);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const problems: string[] = [];

  let zalo: ZaloChannelConfig | null = null;
  const zaloSet = [e.ZALO_APP_ID, e.ZALO_OA_SECRET_KEY, e.ZALO_APP_SECRET_KEY, e.ZALO_ACCESS_TOKEN, e.ZALO_REFRESH_TOKEN].some(Boolean);
  if (zaloSet) {
    if (!e.ZALO_APP_ID) problems.push('ZALO_APP_ID: bắt buộc khi bật kênh Zalo (app id trên developers.zalo.me)');
    if (!e.ZALO_OA_SECRET_KEY) problems.push('ZALO_OA_SECRET_KEY: bắt buộc để kiểm tra chữ ký webhook (khóa bí mật của OA, không phải của ứng dụng)');
    if (!e.ZALO_ACCESS_TOKEN && !e.ZALO_REFRESH_TOKEN) problems.push('ZALO_ACCESS_TOKEN hoặc ZALO_REFRESH_TOKEN: cần ít nhất một token để gửi tin');
    if (e.ZALO_REFRESH_TOKEN && !e.ZALO_APP_SECRET_KEY) problems.push('ZALO_APP_SECRET_KEY: bắt buộc khi có ZALO_REFRESH_TOKEN (dùng để làm mới access token)');
    if (e.ZALO_APP_ID && e.ZALO_OA_SECRET_KEY && (e.ZALO_ACCESS_TOKEN || e.ZALO_REFRESH_TOKEN)) {
      zalo = {
        appId: e.ZALO_APP_ID,
        oaSecretKey: e.ZALO_OA_SECRET_KEY,
        appSecretKey: e.ZALO_APP_SECRET_KEY ?? null,
        accessToken: e.ZALO_ACCESS_TOKEN ?? null,
        refreshToken: e.ZALO_REFRESH_TOKEN ?? null,
        apiBaseUrl: e.ZALO_API_BASE_URL,
        oauthBaseUrl: e.ZALO_OAUTH_BASE_URL,
      };
    }
  }

  let messenger: MessengerChannelConfig | null = null;
  const messengerSet = [e.MESSENGER_APP_SECRET, e.MESSENGER_VERIFY_TOKEN, e.MESSENGER_PAGE_ACCESS_TOKEN].some(Boolean);
  if (messengerSet) {
    if (!e.MESSENGER_APP_SECRET) problems.push('MESSENGER_APP_SECRET: bắt buộc khi bật kênh Messenger (App Secret trong App Dashboard)');
    if (!e.MESSENGER_VERIFY_TOKEN) problems.push('MESSENGER_VERIFY_TOKEN: bắt buộc khi bật kênh Messenger (chuỗi tự đặt khi khai báo webhook)');
    if (!e.MESSENGER_PAGE_ACCESS_TOKEN) problems.push('MESSENGER_PAGE_ACCESS_TOKEN: bắt buộc khi bật kênh Messenger (token của Trang)');
    if (e.MESSENGER_APP_SECRET && e.MESSENGER_VERIFY_TOKEN && e.MESSENGER_PAGE_ACCESS_TOKEN) {
      messenger = {
        appSecret: e.MESSENGER_APP_SECRET,
        verifyToken: e.MESSENGER_VERIFY_TOKEN,
        pageAccessToken: e.MESSENGER_PAGE_ACCESS_TOKEN,
        graphBaseUrl: e.MESSENGER_GRAPH_BASE_URL,
      };
    }
  }

  if (e.MICROSOFT_APP_ID && !e.MICROSOFT_APP_PASSWORD && e.MICROSOFT_APP_TYPE !== 'UserAssignedMSI') {
    problems.push('MICROSOFT_APP_PASSWORD: bắt buộc khi đặt MICROSOFT_APP_ID');
  }
  if (e.MICROSOFT_APP_TYPE === 'SingleTenant' && e.MICROSOFT_APP_ID && !e.MICROSOFT_APP_TENANT_ID) {
    problems.push('MICROSOFT_APP_TENANT_ID: bắt buộc khi MICROSOFT_APP_TYPE=SingleTenant');
  }
  if (e.INBOX_PARTITION >= e.INBOX_PARTITIONS) {
    problems.push(`INBOX_PARTITION: phải nhỏ hơn INBOX_PARTITIONS (${e.INBOX_PARTITIONS}); các tiến trình trả lời đánh số 0, 1, …`);
  }
  if (problems.length) throw invalid(problems);
  const shared = loadStorageConfig(env);

  return {
    role: e.CHANNEL_ROLE,
    inboxPollMs: e.INBOX_POLL_MS,
    inboxPartition: { index: e.INBOX_PARTITION, count: e.INBOX_PARTITIONS },
    zalo,
    messenger,
    botFramework: {
      appId: e.MICROSOFT_APP_ID ?? null,
      appPassword: e.MICROSOFT_APP_PASSWORD ?? null,
      appType: e.MICROSOFT_APP_TYPE,
      tenantId: e.MICROSOFT_APP_TENANT_ID ?? null,
    },
    inboxConcurrency: e.INBOX_CONCURRENCY,
    httpTimeoutMs: e.CHANNEL_HTTP_TIMEOUT_MS,
    lockTtlMs: e.CONVERSATION_LOCK_TTL_MS,
    rateLimits: { perUser: e.RATE_LIMIT_USER_PER_MINUTE, perChannel: e.RATE_LIMIT_CHANNEL_PER_MINUTE, windowMs: 60_000 },
    shared,
  };
}
