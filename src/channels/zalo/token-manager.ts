/**
 * Zalo OA access tokens. Refresh tokens are single-use and rotate, so: one refresh at a time, the new pair is
 * saved before the new access token is used, and a rejected token is refreshed only if nobody refreshed it
 * meanwhile. Tokens from the configuration seed the chain; configuring new tokens (after an OA admin
 * re-consents) restarts it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { AppError } from '../../errors/app-error.js';
import type { StoredTokens, TokenStore } from '../../storage/token-store.js';
import { retryAfterMs, transportError } from '../platform-http.js';

export const ZALO_TOKEN_NAME = 'zalo-oa';
/** Refresh this long before the known expiry (access tokens live 25 hours). */
const REFRESH_AHEAD_MS = 60 * 60 * 1000;
/** A refresh holds the cross-process lock at most this long (the HTTP call has its own timeout). */
const LOCK_TTL_MS = 60_000;
const LOCK_WAIT_MS = 30_000;
const LOCK_POLL_MS = 100;

export interface ZaloTokenOptions {
  appId: string;
  appSecretKey: string | null;
  accessToken: string | null;
  refreshToken: string | null;
  oauthBaseUrl: string;
  http: AxiosInstance;
  store: TokenStore;
  log: { info(line: string): void; warn(line: string): void };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface OAuthResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: string | number;
  error?: number;
  error_name?: string;
  error_description?: string;
}

export class ZaloTokenManager {
  private tokens: StoredTokens | undefined;
  private loading: Promise<void> | undefined;
  private refreshing: Promise<string> | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Identifies this process as the holder of the refresh lock. */
  private readonly holder = `${process.pid}-${randomUUID()}`;

  constructor(private readonly options: ZaloTokenOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Loads the stored chain, or starts one from the configured tokens. */
  init(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    const { accessToken, refreshToken, store } = this.options;
    const seed = createHash('sha256').update(`${accessToken ?? ''}\n${refreshToken ?? ''}`).digest('hex').slice(0, 24);
    const stored = await store.load(ZALO_TOKEN_NAME);
    if (stored && stored.seed === seed) {
      this.tokens = stored;
      return;
    }
    // Conditional: another instance may have started this chain and rotated its tokens since the load.
    const configured = { accessToken: accessToken ?? '', refreshToken, expiresAt: null, seed, updatedAt: this.now() };
    this.tokens = await store.seedChain(ZALO_TOKEN_NAME, configured);
    if (stored) this.options.log.info('Zalo: dùng cặp token mới trong cấu hình thay cho chuỗi token đã lưu.');
  }

  /** The token to send with; refreshed first when missing or about to expire. */
  async accessToken(): Promise<string> {
    const t = await this.current();
    const expiring = t.expiresAt !== null && t.expiresAt - this.now() < REFRESH_AHEAD_MS;
    if ((!t.accessToken || expiring) && t.refreshToken) return this.refresh(t.accessToken);
    if (!t.accessToken) throw this.chainBroken('không có access token và không có refresh token');
    return t.accessToken;
  }

  /** Zalo rejected `rejected` (-216/-220): refresh once, unless another caller already did. */
  async afterRejection(rejected: string): Promise<string> {
    const t = await this.current();
    if (t.accessToken && t.accessToken !== rejected) return t.accessToken;
    if (!t.refreshToken) throw this.chainBroken('access token bị từ chối và không có refresh token');
    return this.refresh(rejected);
  }

  private async current(): Promise<StoredTokens> {
    if (!this.tokens) await this.init();
    return this.tokens!;
  }

  private refresh(stale: string): Promise<string> {
    this.refreshing ??= this.doRefresh(stale).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(stale: string): Promise<string> {
    const { store } = this.options;
    const waitUntil = this.now() + LOCK_WAIT_MS;
    // Another process on the same store may be refreshing: wait for its lock, then use its new pair.
    while (!(await store.acquireRefreshLock(ZALO_TOKEN_NAME, this.holder, LOCK_TTL_MS))) {
      if (this.now() > waitUntil) {
        throw new AppError('upstream_failed', 'Đang chờ tiến trình khác làm mới access token Zalo.', {
          platform: 'zalo',
          reason: 'zalo-oauth:refresh_locked',
          retryable: true,
        });
      }
      await this.sleep(LOCK_POLL_MS);
      const latest = await store.load(ZALO_TOKEN_NAME);
      if (latest && latest.seed === this.tokens!.seed && latest.accessToken && latest.accessToken !== stale) {
        this.tokens = latest;
        return latest.accessToken;
      }
    }
    try {
      return await this.refreshLocked(stale);
    } finally {
      await store.releaseRefreshLock(ZALO_TOKEN_NAME, this.holder);
    }
  }

  private async refreshLocked(stale: string): Promise<string> {
    const { appId, appSecretKey, oauthBaseUrl, http, store, log } = this.options;
    // The chain may have moved on while we waited (another process, or a restart): never spend a dead token.
    const latest = await store.load(ZALO_TOKEN_NAME);
    if (latest && latest.seed === this.tokens!.seed) {
      this.tokens = latest;
      const fresh = latest.expiresAt === null || latest.expiresAt - this.now() >= REFRESH_AHEAD_MS;
      if (latest.accessToken && latest.accessToken !== stale && fresh) return latest.accessToken;
    }
    const refreshToken = this.tokens!.refreshToken;
    if (!refreshToken || !appSecretKey) throw this.chainBroken('thiếu refresh token hoặc ZALO_APP_SECRET_KEY');

    const form = new URLSearchParams({ refresh_token: refreshToken, app_id: appId, grant_type: 'refresh_token' });
    let response;
    try {
      response = await http.post<OAuthResponse>(`${oauthBaseUrl}/v4/oa/access_token`, form.toString(), {
        headers: { secret_key: appSecretKey, 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    } catch (err) {
      throw transportError('zalo-oauth', err);
    }
    if (response.status >= 500 || response.status === 429) {
      throw new AppError('upstream_failed', `Máy chủ cấp token Zalo lỗi (HTTP ${response.status}).`, {
        platform: 'zalo',
        reason: `zalo-oauth:http_${response.status}`,
        retryable: true,
        retryAfterMs: retryAfterMs(response.headers['retry-after']),
      });
    }
    const body = response.data ?? {};
    if (response.status !== 200 || !body.access_token || !body.refresh_token) {
      const code = body.error ?? `http_${response.status}`;
      throw this.chainBroken(`Zalo từ chối làm mới token (mã ${code}${body.error_name ? `, ${body.error_name}` : ''})`, String(code));
    }
    const expiresIn = Number(body.expires_in);
    const next: StoredTokens = {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? this.now() + expiresIn * 1000 : null,
      seed: this.tokens!.seed,
      updatedAt: this.now(),
    };
    // The old refresh token is dead now: persist the new pair before anything uses it.
    await store.save(ZALO_TOKEN_NAME, next);
    this.tokens = next;
    log.info('Zalo: đã làm mới access token và lưu refresh token mới.');
    return next.accessToken;
  }

  private chainBroken(detail: string, code = 'token'): AppError {
    this.options.log.warn(
      `Zalo: không lấy được access token (${detail}). Quản trị viên OA cần cấp quyền lại cho ứng dụng và cập nhật ZALO_REFRESH_TOKEN.`,
    );
    return new AppError('upstream_failed', `Không lấy được access token Zalo: ${detail}.`, {
      platform: 'zalo',
      reason: `zalo-oauth:${code}`,
      retryable: false,
    });
  }
}
