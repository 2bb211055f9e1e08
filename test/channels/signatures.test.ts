/** Signature checks against the fixture bytes and the values documented in the fixtures README. */
import { describe, expect, it } from 'vitest';
import { zaloSignatureMatches } from '../../src/channels/zalo/signature.js';
import { messengerSignatureMatches } from '../../src/channels/messenger/signature.js';
import { fixture, fixtureJson, MESSENGER_APP_SECRET, ZALO_APP_ID, ZALO_OA_SECRET } from './support/fixtures.js';

const keys = { appId: ZALO_APP_ID, oaSecretKey: ZALO_OA_SECRET };

describe('Zalo X-ZEvent-Signature', () => {
  const raw = fixture('zalo-user-send-text.json');
  const ts = fixtureJson('zalo-user-send-text.json').timestamp;
  const documented = 'mac=02f79fa08f446165c83d89be5777b172c9c0ab0269ac15a8af5d23d16fd221f9';

  it('accepts the documented mac over the exact bytes, with tolerated spacing and hex case', () => {
    expect(zaloSignatureMatches(raw, documented, ts, keys)).toBe(true);
    expect(zaloSignatureMatches(raw, ` MAC = ${documented.slice(4).toUpperCase()} `, ts, keys)).toBe(true);
    expect(zaloSignatureMatches(fixture('zalo-follow.json'), 'mac=2308f1963e304e158c96d82bbe3413277301fac6ce74f84509ab72f2dc3e31d6', fixtureJson('zalo-follow.json').timestamp, keys)).toBe(true);
  });

  it('rejects another secret, another timestamp, a missing prefix, a truncated digest and an extra byte', () => {
    expect(zaloSignatureMatches(raw, documented, ts, { ...keys, oaSecretKey: 'wrong' })).toBe(false);
    expect(zaloSignatureMatches(raw, documented, '1763800215418', keys)).toBe(false);
    expect(zaloSignatureMatches(raw, documented.slice(4), ts, keys)).toBe(false);
    expect(zaloSignatureMatches(raw, documented.slice(0, -2), ts, keys)).toBe(false);
    expect(zaloSignatureMatches(Buffer.concat([raw, Buffer.from('\n')]), documented, ts, keys)).toBe(false);
    expect(zaloSignatureMatches(raw, undefined, ts, keys)).toBe(false);
  });
});

describe('Messenger X-Hub-Signature-256', () => {
  it('accepts the documented HMAC over the escaped-unicode bytes and rejects a re-serialised body', () => {
    const raw = fixture('messenger-text.json');
    const documented = 'sha256=ae0b639f56570e58f754c48608fdefa0d05bf4c1458f44e4dcab9aceb3b1cb4b';
    expect(messengerSignatureMatches(raw, documented, MESSENGER_APP_SECRET)).toBe(true);
    expect(messengerSignatureMatches(Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), documented, MESSENGER_APP_SECRET)).toBe(false);
    expect(messengerSignatureMatches(raw, documented, 'other-secret')).toBe(false);
    expect(messengerSignatureMatches(raw, 'sha1=b219242c01cbeece1de6afcadae158d5c27cba4a', MESSENGER_APP_SECRET)).toBe(false);
    expect(messengerSignatureMatches(fixture('messenger-batch.json'), 'sha256=ee36e8083f7e19e964b29e9c4dea723afc2fafb21322854e6c77b3d778cf86f8', MESSENGER_APP_SECRET)).toBe(true);
  });
});
