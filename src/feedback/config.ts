/**
 * Configuration of the feedback module (turn log, triage, reports, admin). Parsed once by zod at start-up;
 * a malformed variable stops start-up with a message naming it and what it should look like.
 */
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { blankToUndefined, StorageEnvSchema } from '../storage/config.js';

/**
 * DATABASE_URL (unset: the turn log lives in DATA_DIR/feedback.sqlite) and DATABASE_SCHEMA are validated
 * exactly as src/storage/config.ts does.
 */
export const FeedbackConfigSchema = StorageEnvSchema.pick({ DATABASE_URL: true, DATABASE_SCHEMA: true }).extend({
  DATA_DIR: z.string().min(1).default('./data'),
  /** Turns older than this many days are deleted; triage decisions are kept. */
  RETENTION_DAYS: z.coerce.number().int('phải là số ngày nguyên').min(1).max(3650).default(180),
  /** Shared secret for /admin and /api/admin; at least 16 characters. Unset: the admin area refuses everyone. */
  ADMIN_TOKEN: z.preprocess(blankToUndefined, z.string().min(16, 'phải dài ít nhất 16 ký tự').optional()),
  /**
   * HMAC key turning platform user ids into pseudonymous keys. MUST be set in production (and kept) so keys
   * stay stable across machines and restores; when unset a random key is created once in DATA_DIR.
   */
  USER_KEY_SECRET: z.preprocess(blankToUndefined, z.string().min(32, 'phải dài ít nhất 32 ký tự').optional()),
  /** Where the daily summary is POSTed (JSON); unset: no push. */
  FEEDBACK_WEBHOOK_URL: z.preprocess(blankToUndefined, z.string().url('phải là địa chỉ http(s) đầy đủ').optional()),
  /** Optional HMAC-SHA256 key; when set each push carries X-Signature-256: sha256=<hex of the body>. */
  FEEDBACK_WEBHOOK_SECRET: z.preprocess(blankToUndefined, z.string().min(16).optional()),
  /** Local hour (0-23, REPORT_TIMEZONE) after which yesterday's summary is pushed. */
  FEEDBACK_WEBHOOK_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  /** Time zone used to cut days, weeks and months in reports. */
  REPORT_TIMEZONE: z
    .string()
    .default('Asia/Ho_Chi_Minh')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-CA', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'phải là múi giờ IANA, ví dụ Asia/Ho_Chi_Minh'),
  /** Cosine similarity above which two uncovered questions fall into the same cluster. */
  TRIAGE_CLUSTER_SIMILARITY: z.coerce.number().min(0.05).max(0.99).default(0.5),
  /** Minimum candidate score for a cluster to take the nearest topic's indicator. */
  TRIAGE_LABEL_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.5),
});

export type FeedbackConfig = z.infer<typeof FeedbackConfigSchema>;

export function loadFeedbackConfig(env: NodeJS.ProcessEnv = process.env): FeedbackConfig {
  const result = FeedbackConfigSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new AppError('invalid_config', `Cấu hình phản hồi không hợp lệ:\n${lines.join('\n')}`);
  }
  return result.data;
}
