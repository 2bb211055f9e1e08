/**
 * Pseudonymous user keys: a keyed hash of the channel and the platform user id. The raw id never reaches
 * storage; without the key nobody can link a stored key back to a Zalo or Messenger account, yet the same
 * person keeps the same key, which the reports need to count people rather than messages.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GENERATED_SECRET_FILE = 'feedback-user-key.secret';

export function pseudonymousUserKey(secret: string, channel: string, platformUserId: string): string {
  return createHmac('sha256', secret).update(`${channel}\u0000${platformUserId}`).digest('hex').slice(0, 32);
}

/**
 * Returns the configured secret, or a random one created once under `dataDir` (readable by the owner
 * only). `warn` is told when the generated secret is used, because production must set USER_KEY_SECRET.
 */
export function resolveUserKeySecret(
  configured: string | undefined,
  dataDir: string,
  warn: (line: string) => void,
): string {
  if (configured) return configured;
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, GENERATED_SECRET_FILE);
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (err) {
      // Another process created it first; use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  warn(
    `USER_KEY_SECRET chưa được đặt: đang dùng khoá ngẫu nhiên lưu tại ${file}. ` +
      'Hãy đặt USER_KEY_SECRET (ít nhất 32 ký tự) khi chạy thật để mã người dùng ổn định.',
  );
  return readFileSync(file, 'utf8').trim();
}
