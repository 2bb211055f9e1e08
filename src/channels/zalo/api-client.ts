/**
 * Zalo OA Message API v3: customer-service ("cs") messages. HTTP 200 is not success on Zalo; the body's
 * `error` decides. Token errors refresh once and retry; 5xx, timeouts and rate limits back off and retry;
 * everything else is a permanent failure carrying Zalo's code.
 */
import type { AxiosInstance } from 'axios';
import { AppError } from '../../errors/app-error.js';
import { retryAfterMs, transportError } from '../platform-http.js';
import { withRetries, type RetryPolicy, type Sleep } from '../retry.js';
import type { ZaloTokenManager } from './token-manager.js';

export const ZALO_MAX_TEXT_CHARS = 2000;
/** Community code caps template buttons at 5 (unconfirmed on an official page). */
export const ZALO_MAX_BUTTONS = 5;
export const ZALO_MAX_BUTTON_TITLE = 100;

const TOKEN_ERRORS = new Set([-216, -220]);
const RETRYABLE_ERRORS = new Set([-32, -100, -200]);
/** The user is out of reach: window closed, blocked, not following, locked… retrying will not help. */
const OUT_OF_REACH = new Set([-213, -217, -218, -227, -230, -232, -234, -244]);
/** Message shape not accepted (buttons not supported or a field rejected). */
export const SHAPE_ERRORS = new Set([-201, -233]);

export interface ZaloButton {
  title: string;
  payload: string;
}

export interface ZaloMessage {
  text: string;
  buttons?: ZaloButton[];
}

interface ZaloResponse {
  error?: number;
  message?: string;
  data?: { message_id?: string };
}

export interface ZaloApiClientOptions {
  apiBaseUrl: string;
  http: AxiosInstance;
  tokens: ZaloTokenManager;
  retry: RetryPolicy;
  sleep?: Sleep;
}

export function zaloMessageBody(userId: string, message: ZaloMessage): Record<string, unknown> {
  const body: { text: string; attachment?: unknown } = { text: message.text };
  if (message.buttons?.length) {
    body.attachment = {
      type: 'template',
      payload: { buttons: message.buttons.map((b) => ({ title: b.title, type: 'oa.query.hide', payload: b.payload })) },
    };
  }
  return { recipient: { user_id: userId }, message: body };
}

export class ZaloApiClient {
  constructor(private readonly options: ZaloApiClientOptions) {}

  /** Sends one customer-service message; resolves to Zalo's message id. */
  async sendMessage(userId: string, message: ZaloMessage): Promise<string> {
    const body = zaloMessageBody(userId, message);
    let refreshed = false;
    return withRetries(
      this.options.retry,
      async () => {
        const token = await this.options.tokens.accessToken();
        const res = await this.post(body, token);
        if (res.kind === 'token_rejected' && !refreshed) {
          refreshed = true;
          const fresh = await this.options.tokens.afterRejection(token);
          const again = await this.post(body, fresh);
          if (again.kind === 'ok') return again.messageId;
          throw again.kind === 'token_rejected' ? this.error(again.code, false, 'Zalo vẫn từ chối access token mới.') : again.error;
        }
        if (res.kind === 'ok') return res.messageId;
        throw res.kind === 'token_rejected' ? this.error(res.code, false, 'Zalo từ chối access token.') : res.error;
      },
      this.options.sleep,
    );
  }

  private async post(
    body: Record<string, unknown>,
    token: string,
  ): Promise<{ kind: 'ok'; messageId: string } | { kind: 'token_rejected'; code: number } | { kind: 'failed'; error: AppError }> {
    let res;
    try {
      res = await this.options.http.post<ZaloResponse>(`${this.options.apiBaseUrl}/v3.0/oa/message/cs`, body, {
        headers: { access_token: token, 'Content-Type': 'application/json' },
      });
    } catch (err) {
      return { kind: 'failed', error: transportError('zalo', err) };
    }
    if (res.status >= 500 || res.status === 429) {
      const error = new AppError('upstream_failed', `Zalo trả lỗi HTTP ${res.status}.`, {
        platform: 'zalo',
        reason: `zalo:http_${res.status}`,
        retryable: true,
        retryAfterMs: retryAfterMs(res.headers['retry-after']),
      });
      return { kind: 'failed', error };
    }
    const code = typeof res.data?.error === 'number' ? res.data.error : undefined;
    if (res.status !== 200 || code === undefined) {
      return { kind: 'failed', error: this.error(code ?? res.status, false, `Zalo trả về phản hồi không đọc được (HTTP ${res.status}).`) };
    }
    if (code === 0) return { kind: 'ok', messageId: String(res.data.data?.message_id ?? '') };
    if (TOKEN_ERRORS.has(code)) return { kind: 'token_rejected', code };
    return { kind: 'failed', error: this.error(code, RETRYABLE_ERRORS.has(code), res.data.message ?? '') };
  }

  private error(code: number, retryable: boolean, detail: string): AppError {
    return new AppError('upstream_failed', `Zalo không nhận tin (mã ${code}${detail ? `: ${detail}` : ''}).`, {
      platform: 'zalo',
      reason: `zalo:${code}`,
      platformCode: code,
      retryable,
      outOfReach: OUT_OF_REACH.has(code),
      shapeRejected: SHAPE_ERRORS.has(code),
    });
  }
}
