/** The only place that builds infrastructure and wires it together. */
import { loadConfig } from './config.js';
import { createKnowledgeAdmin } from './knowledge-admin/index.js';
import { guidesAdminRoutes, guidesPageRoutes } from './admin/guides-routes.js';
import { createApp } from './http/app.js';
import { createChannels } from './channels/create-channels.js';
import { createFeedback } from './admin/index.js';
import { turnFromAsk } from './feedback/recorder.js';
import { createLogger, redactConsole } from './privacy/logger.js';
import { redactPii } from './privacy/redact.js';
import { loadAssistant } from './assistant-setup.js';
import { staffAdminRoutes } from './admin/staff-routes.js';

async function main(): Promise<void> {
  // Every line the process prints goes through PII redaction, including third-party console output.
  redactConsole();
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const log = { info: (l: string) => logger.info(l), warn: (l: string) => logger.warn(l) };

  // The engine serves the knowledge/ files overlaid with the edits published in /admin (src/knowledge-admin).
  const knowledge = await createKnowledgeAdmin({ config, env: process.env, log });
  const engine = knowledge.engine;
  /** Re-reads knowledge/ (and the newest publication) and swaps in the new index; questions keep being answered meanwhile. */
  const republish = () => knowledge.runtime.reload('thư mục hướng dẫn thay đổi');
  // Registered before DATA_DIR/service.pid is written, so `npm run kb -- publish` never kills the process.
  process.on('SIGHUP', () => {
    log.info('Nhận SIGHUP: nạp lại thư mục hướng dẫn và lần xuất bản mới nhất.');
    knowledge.runtime.reload('SIGHUP').catch((err: Error) => log.warn(`Nạp lại hướng dẫn thất bại, giữ chỉ mục cũ: ${err.message}`));
  });

  const feedback = await createFeedback({
    engine: () => engine,
    knowledgeDir: config.KNOWLEDGE_DIR,
    dataDir: config.DATA_DIR,
    env: process.env,
    log,
    republish,
    embed: (texts) => engine.embedTexts(texts),
  });
  // Flows, communes and commune staff: FLOWS_DIR, COMMUNES_FILE, DATA_DIR/handoff.sqlite.
  const assistant = await loadAssistant({
    env: process.env,
    knowledgeDir: config.KNOWLEDGE_DIR,
    dataDir: config.DATA_DIR,
    knownTopic: (id) => Boolean(engine.guide(id)),
    log,
  });
  const channels = createChannels({
    engine: () => engine,
    recorder: feedback.recorder,
    redact: redactPii,
    dataDir: config.DATA_DIR,
    env: process.env,
    log,
    assistant: assistant.options,
  });
  const app = createApp({
    engine: () => engine,
    log: log.warn,
    routers: [
      ...channels.routers,
      guidesPageRoutes(),
      guidesAdminRoutes(knowledge, feedback.core.config.ADMIN_TOKEN),
      ...feedback.routers,
      staffAdminRoutes({ handoff: channels.handoff, communes: assistant.options.communes, adminToken: feedback.core.config.ADMIN_TOKEN }),
    ],
    onAsk: async (r) => {
      await feedback.recorder.record(turnFromAsk(r, { channel: 'api', platformUserId: 'api' }));
    },
  });

  await channels.start();
  feedback.start();
  await knowledge.start();
  const server = app.listen(config.PORT, config.HOST, () => {
    const on = Object.entries(channels.enabled).filter(([, v]) => v).map(([k]) => k);
    log.info(
      `Trợ lý đang chạy tại http://localhost:${config.PORT} (dữ liệu: ${config.DATA_DIR}; kênh: ${on.join(', ') || 'chỉ web chat và API'}).`,
    );
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(async () => {
      await channels.stop();
      await knowledge.stop();
      await feedback.stop();
      await assistant.close();
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
