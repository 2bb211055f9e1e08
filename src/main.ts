/** The only place that builds infrastructure and wires it together. */
import { loadConfig } from './config.js';
import { createEngineFromConfig } from './knowledge/setup.js';
import { createApp } from './http/app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = { info: (l: string) => console.log(l), warn: (l: string) => console.warn(l) };
  const { engine } = await createEngineFromConfig(config, log);
  const app = createApp({ engine: () => engine, log: log.warn });
  const server = app.listen(config.PORT, config.HOST, () => {
    log.info(`Trợ lý đang chạy tại http://localhost:${config.PORT} (dữ liệu: ${config.DATA_DIR}).`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
