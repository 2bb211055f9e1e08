/**
 * Embeddings from an OpenAI-compatible endpoint (`POST <EMBEDDINGS_URL>/embeddings`), switched on by
 * configuration. Used instead of the offline hashing embedder for the vector half of hybrid retrieval.
 */
import axios, { type AxiosInstance } from 'axios';
import { Embeddings } from '@langchain/core/embeddings';
import { AppError } from '../../errors/app-error.js';

export interface OpenAiCompatibleOptions {
  url: string;
  model: string;
  apiKey?: string;
  batchSize?: number;
  timeoutMs?: number;
}

interface EmbeddingResponse {
  data: Array<{ embedding: number[]; index: number }>;
}

export class OpenAiCompatibleEmbeddings extends Embeddings {
  readonly id: string;
  private readonly http: AxiosInstance;
  private readonly model: string;
  private readonly batchSize: number;

  constructor(options: OpenAiCompatibleOptions) {
    super({ maxRetries: 2 });
    const base = options.url.replace(/\/+$/, '');
    const endpoint = base.endsWith('/embeddings') ? base : `${base}/embeddings`;
    this.model = options.model;
    this.batchSize = options.batchSize ?? 64;
    this.id = `openai:${options.model}`;
    this.http = axios.create({
      baseURL: endpoint,
      timeout: options.timeoutMs ?? 15_000,
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
    });
  }

  private async embedBatch(input: string[]): Promise<number[][]> {
    return this.caller.call(async () => {
      try {
        const res = await this.http.post<EmbeddingResponse>('', { model: this.model, input });
        const rows = [...res.data.data].sort((a, b) => a.index - b.index);
        if (rows.length !== input.length) {
          throw new AppError('upstream_failed', `máy chủ embeddings trả ${rows.length} vector cho ${input.length} câu`);
        }
        return rows.map((r) => r.embedding);
      } catch (err) {
        if (err instanceof AppError) throw err;
        const status = axios.isAxiosError(err) ? err.response?.status : undefined;
        throw new AppError('upstream_failed', `gọi máy chủ embeddings thất bại${status ? ` (HTTP ${status})` : ''}`, {
          status,
        });
      }
    });
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < documents.length; i += this.batchSize) {
      out.push(...(await this.embedBatch(documents.slice(i, i + this.batchSize))));
    }
    return out;
  }

  override async embedQuery(document: string): Promise<number[]> {
    const [vec] = await this.embedBatch([document]);
    return vec!;
  }
}
