/**
 * A server process wired exactly as proposed for src/main.ts (engine + channels + feedback + redacting
 * logs). The end-to-end privacy test spawns src/main.ts once main.ts wires createFeedback, and this file
 * until then.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { createEngineFromConfig, usableKnowledge } from '../../../src/knowledge/setup.js';
import { loadKnowledgeDir } from '../../../src/knowledge/loader.js';
import { createApp } from '../../../src/http/app.js';
import { createChannels } from '../../../src/channels/create-channels.js';
import { createFeedback } from '../../../src/admin/index.js';
import { turnFromAsk } from '../../../src/feedback/recorder.js';
import { createLogger, redactConsole } from '../../../src/privacy/logger.js';
import { redactPii } from '../../../src/privacy/redact.js';

async function main(): Promise<void> {
  redactConsole();
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const log = { info: (l: string) => logger.info(l), warn: (l: string) => logger.warn(l) };
  const { engine } = await createEngineFromConfig(config, log);
  const republish = async () => {
    await engine.publish(usableKnowledge(loadKnowledgeDir(resolve(config.KNOWLEDGE_DIR)), log.warn));
  };
  const feedback = await createFeedback({
    engine: () => engine,
    knowledgeDir: config.KNOWLEDGE_DIR,
    dataDir: config.DATA_DIR,
    env: process.env,
    log,
    republish,
  });
  const channels = createChannels({
    engine: () => engine,
    recorder: feedback.recorder,
    redact: redactPii,
    dataDir: config.DATA_DIR,
    env: process.env,
    log,
  });
  const app = createApp({
    engine: () => engine,
    log: log.warn,
    routers: [...channels.routers, ...feedback.routers],
    onAsk: async (result) => {
      await feedback.recorder.record(turnFromAsk(result, { channel: 'api', platformUserId: 'api' }));
    },
  });
  await channels.start();
  feedback.start();
  const server = app.listen(config.PORT, config.HOST, () => {
    log.info(`Trợ lý đang chạy tại http://localhost:${config.PORT} (dữ liệu: ${config.DATA_DIR}).`);
  });
  const stop = () =>
    server.close(async () => {
      await channels.stop();
      await feedback.stop();
      process.exit(0);
    });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
