import { describe, expect, it } from 'vitest';
import { loadFeedbackConfig } from '../../src/feedback/config.js';

describe('loadFeedbackConfig', () => {
  it('has working defaults', () => {
    const c = loadFeedbackConfig({});
    expect(c).toMatchObject({
      DATA_DIR: './data', RETENTION_DAYS: 180, FEEDBACK_WEBHOOK_HOUR: 7, REPORT_TIMEZONE: 'Asia/Ho_Chi_Minh', DATABASE_SCHEMA: 'feedback',
    });
    for (const unset of ['DATABASE_URL', 'ADMIN_TOKEN', 'USER_KEY_SECRET', 'FEEDBACK_WEBHOOK_URL'] as const) expect(c[unset]).toBeUndefined();
  });

  it('treats blank values as unset and coerces numbers', () => {
    const c = loadFeedbackConfig({ DATABASE_URL: '', ADMIN_TOKEN: ' ', RETENTION_DAYS: '30' });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.ADMIN_TOKEN).toBeUndefined();
    expect(c.RETENTION_DAYS).toBe(30);
  });

  it('names every malformed variable and what it should look like', () => {
    let message = '';
    try {
      loadFeedbackConfig({
        DATABASE_URL: 'mysql://x', RETENTION_DAYS: '0', ADMIN_TOKEN: 'short', USER_KEY_SECRET: 'short',
        FEEDBACK_WEBHOOK_URL: 'not a url', REPORT_TIMEZONE: 'Mars/Olympus',
      });
    } catch (err) {
      expect((err as { code: string }).code).toBe('invalid_config');
      message = (err as Error).message;
    }
    for (const name of ['DATABASE_URL', 'RETENTION_DAYS', 'ADMIN_TOKEN', 'USER_KEY_SECRET', 'FEEDBACK_WEBHOOK_URL', 'REPORT_TIMEZONE']) {
      expect(message).toContain(`- ${name}:`);
    }
    expect(message).toContain('postgres://');
  });
});
