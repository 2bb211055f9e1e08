/** The only place that builds infrastructure and wires it together. */
import { resolve } from 'node:path';
import { loadConfig } from './config.js';
import { createEngineFromConfig, usableKnowledge } from './knowledge/setup.js';
import { loadKnowledgeDir } from './knowledge/loader.js';
import { createApp } from './http/app.js';
import { createChannels } from './channels/create-channels.js';
import { createFeedback } from './admin/index.js';
import { turnFromAsk } from './feedback/recorder.js';
import { createLogger, redactConsole } from './privacy/logger.js';
import { redactPii } from './privacy/redact.js';

async function main(): Promise<void> {
  // Every line the process prints goes through PII redaction, including third-party console output.
  redactConsole();
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const log = { info: (l: string) => logger.info(l), warn: (l: string) => logger.warn(l) };

  const { engine } = await createEngineFromConfig(config, log);
  let publishing: Promise<void> = Promise.resolve();
  /** Reloads knowledge/ and swaps in the new index; questions keep being answered meanwhile. */
  const republish = () =>
    (publishing = publishing.then(async () => {
      await engine.publish(usableKnowledge(loadKnowledgeDir(resolve(config.KNOWLEDGE_DIR)), log.warn));
    }));

  const feedback = await createFeedback({
    engine: () => engine,
    knowledgeDir: config.KNOWLEDGE_DIR,
    dataDir: config.DATA_DIR,
    env: process.env,
    log,
    republish,
    embed: (texts) => engine.embedTexts(texts),
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
    onAsk: async (r) => {
      await feedback.recorder.record(turnFromAsk(r, { channel: 'api', platformUserId: 'api' }));
    },
  });

  await channels.start();
  feedback.start();
  const server = app.listen(config.PORT, config.HOST, () => {
    const on = Object.entries(channels.enabled).filter(([, v]) => v).map(([k]) => k);
    log.info(
      `Trợ lý đang chạy tại http://localhost:${config.PORT} (dữ liệu: ${config.DATA_DIR}; kênh: ${on.join(', ') || 'chỉ web chat và API'}).`,
    );
  });
  process.on('SIGHUP', () => {
    log.info('Nhận SIGHUP: nạp lại thư mục hướng dẫn.');
    republish().catch((err: Error) => log.warn(`Nạp lại hướng dẫn thất bại, giữ chỉ mục cũ: ${err.message}`));
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(async () => {
      await channels.stop();
      await feedback.stop();
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
