/**
 * Several processes on one DATA_DIR: CHANNEL_ROLE=web stores, CHANNEL_ROLE=worker answers what it finds in
 * the inbox, and INBOX_PARTITIONS splits conversations so each one keeps a single worker, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { createChannels, type Channels } from '../../src/channels/create-channels.js';
import { composeGuideAnswer } from '../../src/knowledge/compose.js';
import { WELCOME } from '../../src/bot/replies.js';
import { partitionOf } from '../../src/inbox/inbox.js';
import { buildTestEngine } from './support/engine.js';
import { FakePlatform, zaloOk } from './support/fake-platform.js';
import { zaloSignature, zaloTextBody } from './support/fixtures.js';
import { FAST_RETRY, startHarness, zaloEnv } from './support/harness.js';
import { RecordingRecorder, testRedact } from './support/recorder.js';

let engine: AnswerEngine;
let zalo: FakePlatform;
let zaloUrl: string;

beforeAll(async () => {
  engine = await buildTestEngine();
  zalo = new FakePlatform((_req, i) => zaloOk(i));
  zaloUrl = await zalo.start();
});
afterAll(async () => {
  await zalo.close();
});

function worker(dataDir: string, env: Record<string, string>, recorder: RecordingRecorder): Channels {
  return createChannels({
    engine: () => engine,
    recorder,
    redact: testRedact,
    dataDir,
    env: { ...zaloEnv(zaloUrl), CHANNEL_ROLE: 'worker', INBOX_POLL_MS: '10', INBOX_CONCURRENCY: '4', ...env },
    log: { info: () => {}, warn: () => {} },
    retry: FAST_RETRY,
  });
}

describe('web and worker processes', () => {
  it('a web process only stores; worker processes split the conversations and answer each once, in order', async () => {
    zalo.reset();
    const web = await startHarness({ engine, env: { ...zaloEnv(zaloUrl), CHANNEL_ROLE: 'web' } });
    expect(web.channels.routers.length).toBeGreaterThan(0);
    const users = Array.from({ length: 12 }, (_, i) => String(8312645790123456000n + BigInt(i)));
    let n = 0;
    for (const round of [0, 1]) {
      for (const userId of users) {
        const body = zaloTextBody({ userId, msgId: `role-${round}-${userId}`, text: round === 0 ? 'menu' : 'topic:dvc-dang-ky-tam-tru', timestamp: String(1763800000000 + n++) });
        expect((await web.post('/webhooks/zalo', body, { 'X-ZEvent-Signature': zaloSignature(body) })).status).toBe(200);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(zalo.requests).toHaveLength(0); // nobody answers in the web process
    expect(await web.channels.inbox.stored()).toEqual({ pending: 24, done: 0, failed: 0 });

    const recorders = [new RecordingRecorder(), new RecordingRecorder()];
    const workers = recorders.map((r, i) => worker(web.dataDir, { INBOX_PARTITIONS: '2', INBOX_PARTITION: String(i) }, r));
    expect(workers.every((w) => w.routers.length === 0)).toBe(true);
    await Promise.all(workers.map((w) => w.start()));
    await zalo.waitUntil(() => recorders[0]!.turns.length + recorders[1]!.turns.length === users.length, 15_000);
    await Promise.all(workers.map((w) => w.inbox.idle()));
    expect(await web.channels.inbox.stored()).toEqual({ pending: 0, done: 24, failed: 0 });

    for (const userId of users) {
      const owner = partitionOf(`zalo:${userId}`, 2);
      expect(recorders[owner]!.turns.filter((t) => t.platformUserId === userId)).toHaveLength(1);
      expect(recorders[1 - owner]!.turns.filter((t) => t.platformUserId === userId)).toHaveLength(0);
      const texts = zalo.requests.filter((r) => r.json.recipient.user_id === userId).map((r) => r.json.message.text as string);
      expect(texts).toEqual([WELCOME, ...composeGuideAnswer(engine.guide('dvc-dang-ky-tam-tru')!)]); // in order
    }
    await Promise.all(workers.map((w) => w.stop()));
    await web.close();
  });
});
