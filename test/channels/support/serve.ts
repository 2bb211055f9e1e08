/**
 * A real server process for the kill -9 test, wired exactly as src/main.ts should wire the channels:
 * engine → createChannels → createApp({ routers }) → channels.start() → listen. Prints "READY <port>".
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config.js';
import { createEngineFromConfig } from '../../../src/knowledge/setup.js';
import { createApp } from '../../../src/http/app.js';
import { createChannels } from '../../../src/channels/create-channels.js';
import { nullRecorder } from '../../../src/feedback/turn-types.js';
import { testRedact } from './recorder.js';

const config = loadConfig();
const log = { info: (l: string) => process.stderr.write(`${l}\n`), warn: (l: string) => process.stderr.write(`${l}\n`) };
const { engine } = await createEngineFromConfig(config, log);
const channels = createChannels({ engine: () => engine, recorder: nullRecorder, redact: testRedact, dataDir: config.DATA_DIR, env: process.env, log });
const app = createApp({ engine: () => engine, log: log.warn, routers: channels.routers });
await channels.start();
const server = app.listen(config.PORT, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void channels.stop().then(() => process.exit(0));
});
