/**
 * Starts the real express app (createApp + createChannels) on loopback with the channel base URLs pointing
 * at fake platform servers, the way main.ts wires it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/http/app.js';
import { createChannels, type AssistantOptions, type Channels } from '../../../src/channels/create-channels.js';
import type { Router } from 'express';
import type { AnswerEngine } from '../../../src/knowledge/engine.js';
import type { ChannelStorageBackend } from '../../../src/storage/channel-storage.js';
import { MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN, ZALO_APP_ID, ZALO_OA_SECRET } from './fixtures.js';
import { RecordingRecorder, testRedact } from './recorder.js';

export const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

export interface Harness {
  url: string;
  channels: Channels;
  recorder: RecordingRecorder;
  logs: string[];
  dataDir: string;
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** Stops the app; the data directory is removed unless `keepData` (a restart test reuses it). */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export function zaloEnv(apiUrl: string, oauthUrl = apiUrl): Record<string, string> {
  return {
    ZALO_APP_ID,
    ZALO_OA_SECRET_KEY: ZALO_OA_SECRET,
    ZALO_APP_SECRET_KEY: 'test-app-secret-key',
    ZALO_ACCESS_TOKEN: 'access-1',
    ZALO_REFRESH_TOKEN: 'refresh-1',
    ZALO_API_BASE_URL: apiUrl,
    ZALO_OAUTH_BASE_URL: oauthUrl,
  };
}

export function messengerEnv(graphUrl: string): Record<string, string> {
  return {
    MESSENGER_APP_SECRET,
    MESSENGER_VERIFY_TOKEN,
    MESSENGER_PAGE_ACCESS_TOKEN: 'page-token-1',
    MESSENGER_GRAPH_BASE_URL: graphUrl,
  };
}

export async function startHarness(options: {
  engine: AnswerEngine;
  env: Record<string, string>;
  dataDir?: string;
  storage?: ChannelStorageBackend;
  recorder?: RecordingRecorder;
  retryDelaysMs?: number[];
  start?: boolean;
  /** Flows, communes and staff handoff, as main.ts passes them. */
  assistant?: AssistantOptions;
  /** More routers mounted after the channels' (e.g. the staff admin API). */
  extraRouters?: (channels: Channels) => Router[];
}): Promise<Harness> {
  const logs: string[] = [];
  const log = { info: (l: string) => logs.push(l), warn: (l: string) => logs.push(l) };
  const recorder = options.recorder ?? new RecordingRecorder();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'channels-test-'));
  const channels = createChannels({
    engine: () => options.engine,
    recorder,
    redact: testRedact,
    dataDir,
    env: { INBOX_CONCURRENCY: '4', ...options.env },
    log,
    storage: options.storage ?? 'sqlite',
    retry: FAST_RETRY,
    retryDelaysMs: options.retryDelaysMs ?? [20, 40],
    assistant: options.assistant,
  });
  const routers = [...channels.routers, ...(options.extraRouters?.(channels) ?? [])];
  const app = createApp({ engine: () => options.engine, log: log.warn, routers });
  if (options.start !== false) await channels.start();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    channels,
    recorder,
    logs,
    dataDir,
    async post(path, body, headers = {}) {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
      return { status: res.status, text: await res.text() };
    },
    async close({ keepData = false } = {}) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await channels.stop();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
