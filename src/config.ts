/**
 * Configuration, parsed once by zod at start-up. A missing or malformed variable stops start-up with a
 * message naming the variable and what it should look like.
 */
import { z } from 'zod';
import { AppError } from './errors/app-error.js';

const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional());

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  EMBEDDINGS_URL: optionalUrl,
  EMBEDDINGS_MODEL: optionalString,
  EMBEDDINGS_API_KEY: optionalString,
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(32).max(4096).default(384),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new AppError('invalid_config', `Cấu hình không hợp lệ:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.EMBEDDINGS_URL && !config.EMBEDDINGS_MODEL) {
    throw new AppError('invalid_config', 'Cấu hình không hợp lệ:\n- EMBEDDINGS_MODEL: bắt buộc khi đặt EMBEDDINGS_URL (ví dụ text-embedding-3-small)');
  }
  return config;
}
