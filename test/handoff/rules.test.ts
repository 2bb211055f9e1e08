/** The messaging-window rules and the join-code format, on their own. */
import { describe, expect, it } from 'vitest';
import { generateJoinCode, hashJoinCode, parseJoinCommand } from '../../src/handoff/join-codes.js';
import { deliveryModeFor } from '../../src/handoff/windows.js';

const HOUR = 3600_000;
const t0 = new Date('2026-11-20T02:00:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);

describe('messaging windows', () => {
  it('Messenger: 24 h standard, then HUMAN_AGENT up to 7 days, then closed', () => {
    expect(deliveryModeFor('messenger', t0, at(23.9))).toEqual({ kind: 'standard' });
    expect(deliveryModeFor('messenger', t0, at(24.1))).toEqual({ kind: 'human_agent' });
    expect(deliveryModeFor('messenger', t0, at(7 * 24 - 0.1))).toEqual({ kind: 'human_agent' });
    expect(deliveryModeFor('messenger', t0, at(7 * 24 + 0.1))).toEqual({ kind: 'closed', reason: 'window' });
  });

  it('Zalo: customer-service messages for 7 days; web chat never later', () => {
    expect(deliveryModeFor('zalo', t0, at(100))).toEqual({ kind: 'standard' });
    expect(deliveryModeFor('zalo', t0, at(7 * 24 + 0.1))).toEqual({ kind: 'closed', reason: 'window' });
    expect(deliveryModeFor('webchat', t0, at(0))).toEqual({ kind: 'closed', reason: 'channel' });
  });
});

describe('join codes', () => {
  it('are 8 unambiguous letters, parsed from the staff message with or without diacritics', () => {
    const code = generateJoinCode();
    expect(code).toMatch(/^[A-HJKMNP-Z]{4}-[A-HJKMNP-Z]{4}$/);
    expect(parseJoinCommand(`mã cán bộ ${code}`)).toBe(code.replace('-', ''));
    expect(parseJoinCommand(`Ma can bo: ${code.toLowerCase()}`)).toBe(code.replace('-', ''));
    expect(parseJoinCommand('mã cán bộ xã là gì')).toBeUndefined();
    expect(hashJoinCode(code)).toBe(hashJoinCode(code.toLowerCase().replace('-', ' ')));
  });
});
