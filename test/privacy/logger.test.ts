import { describe, expect, it } from 'vitest';
import { createLogger, formatLogLine, redactConsole, type LogLevel } from '../../src/privacy/logger.js';

describe('createLogger', () => {
  it('redacts personal data in messages and context, and respects the level', () => {
    const lines: Array<[LogLevel, string]> = [];
    const log = createLogger({ level: 'info', decorate: false, write: (level, line) => lines.push([level, line]) });
    log.debug('không in dòng debug 0912345678');
    log.info('Người dân hỏi: CCCD 001099012345', { phone: '0912 345 678', err: new Error('email a.b@gmail.com sai') });
    log.warn('gửi tới +84 912 345 678 thất bại');
    expect(lines).toEqual([
      ['info', 'Người dân hỏi: CCCD [số định danh] {"phone":"[số điện thoại]","err":{"name":"Error","message":"email [email] sai"}}'],
      ['warn', 'gửi tới [số điện thoại] thất bại'],
    ]);
  });

  it('prefixes a timestamp and level by default', () => {
    const lines: string[] = [];
    createLogger({ write: (_l, line) => lines.push(line) }).error('lỗi');
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z ERROR lỗi$/);
  });

  it('formats lines without context unchanged except for redaction', () => {
    expect(formatLogLine('lệ phí 200.000đ, hotline 1900 0368')).toBe('lệ phí 200.000đ, hotline 1900 0368');
  });
});

describe('redactConsole', () => {
  it('redacts every console method until restored', () => {
    const out: string[] = [];
    const fake = {
      log: (s: string) => out.push(`log:${s}`),
      info: (s: string) => out.push(`info:${s}`),
      warn: (s: string) => out.push(`warn:${s}`),
      error: (s: string) => out.push(`error:${s}`),
      debug: (s: string) => out.push(`debug:${s}`),
    } as unknown as Console;
    const restore = redactConsole(fake);
    fake.log('sđt %s', '0912345678');
    fake.error({ cccd: '001099012345' });
    restore();
    fake.warn('0912345678');
    expect(out).toEqual(['log:sđt [số điện thoại]', "error:{ cccd: '[số định danh]' }", 'warn:0912345678']);
  });
});
