/**
 * Messenger Send API (`POST <graph>/me/messages`): text with up to 13 quick replies, and `typing_on`.
 * Graph errors come as 4xx/5xx with `{error:{code, error_subcode}}`: rate limits and temporary failures back
 * off and retry; a closed 24-hour window, an unreachable person or a bad token are permanent.
 */
import { createHmac } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { AppError } from '../../errors/app-error.js';
import { retryAfterMs, transportError } from '../platform-http.js';
import { withRetries, type RetryPolicy, type Sleep } from '../retry.js';

export const MESSENGER_MAX_TEXT_CHARS = 2000;
export const MESSENGER_MAX_QUICK_REPLIES = 13;
export const MESSENGER_MAX_QUICK_REPLY_TITLE = 20;

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80006]);
const TEMPORARY_CODES = new Set([1, 2, 1200]);

export interface QuickReply {
  title: string;
  payload: string;
}

interface GraphError {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number };
  message_id?: string;
}

export interface MessengerSendClientOptions {
  graphBaseUrl: string;
  pageAccessToken: string;
  appSecret: string;
  http: AxiosInstance;
  retry: RetryPolicy;
  log: { warn(line: string): void };
  sleep?: Sleep;
}

export class MessengerSendClient {
  private readonly proof: string;
  private tokenAlerted = false;

  constructor(private readonly options: MessengerSendClientOptions) {
    // appsecret_proof lets the app require it in its settings, so a leaked page token alone cannot send.
    this.proof = createHmac('sha256', options.appSecret).update(options.pageAccessToken).digest('hex');
  }

  /**
   * `humanAgent`: a person (commune staff) answering after the 24-hour window, sent as MESSAGE_TAG with the
   * HUMAN_AGENT tag, which Messenger accepts up to 7 days after the person's last message.
   */
  async sendText(psid: string, text: string, quickReplies: readonly QuickReply[] = [], options: { humanAgent?: boolean } = {}): Promise<string> {
    const message: Record<string, unknown> = { text };
    if (quickReplies.length) {
      message.quick_replies = quickReplies.map((q) => ({ content_type: 'text', title: q.title, payload: q.payload }));
    }
    const type = options.humanAgent ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : { messaging_type: 'RESPONSE' };
    return this.send({ recipient: { id: psid }, ...type, message });
  }

  async sendTyping(psid: string): Promise<void> {
    await this.send({ recipient: { id: psid }, sender_action: 'typing_on' });
  }

  private send(body: Record<string, unknown>): Promise<string> {
    return withRetries(this.options.retry, () => this.post(body), this.options.sleep);
  }

  private async post(body: Record<string, unknown>): Promise<string> {
    let res;
    try {
      res = await this.options.http.post<GraphError>(`${this.options.graphBaseUrl}/me/messages`, body, {
        params: { access_token: this.options.pageAccessToken, appsecret_proof: this.proof },
        headers: { 'Content-Type': 'application/json' },
      });
    } catch (err) {
      throw transportError('messenger', err);
    }
    if (res.status === 200 && !res.data?.error) return String(res.data?.message_id ?? '');
    const code = res.data?.error?.code;
    const subcode = res.data?.error?.error_subcode;
    const retryable =
      res.status >= 500 ||
      res.status === 429 ||
      (code !== undefined && (RATE_LIMIT_CODES.has(code) || TEMPORARY_CODES.has(code))) ||
      (code === 10 && subcode === 1893063);
    const outOfReach = (code === 10 && subcode === 2018278) || code === 551 || (code === 100 && subcode === 2018001);
    if (code === 190 && !this.tokenAlerted) {
      this.tokenAlerted = true;
      this.options.log.warn('Messenger: page access token không còn hiệu lực (mã 190). Cần cấp lại MESSENGER_PAGE_ACCESS_TOKEN.');
    }
    throw new AppError(
      'upstream_failed',
      `Messenger không nhận tin (HTTP ${res.status}${code !== undefined ? `, mã ${code}${subcode ? `/${subcode}` : ''}` : ''}).`,
      {
        platform: 'messenger',
        reason: `messenger:${code ?? `http_${res.status}`}${subcode ? `/${subcode}` : ''}`,
        platformCode: code,
        retryable,
        outOfReach,
        tokenInvalid: code === 190,
        retryAfterMs: retryAfterMs(res.headers['retry-after']),
      },
    );
  }
}
