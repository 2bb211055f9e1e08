/**
 * The HTTP client shared by the platform API clients: keep-alive sockets, a timeout, and no exception on
 * HTTP error statuses (each client reads the platform's own error body). Transport failures become
 * retryable AppErrors without the URL (it can carry an access token).
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { AppError } from '../errors/app-error.js';

export function createPlatformHttp(timeoutMs: number): AxiosInstance {
  return axios.create({
    timeout: timeoutMs,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 128 }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 128 }),
    validateStatus: () => true,
    maxRedirects: 0,
    // Platform responses are small; refuse anything unexpectedly large.
    maxContentLength: 1024 * 1024,
    proxy: false,
  });
}

/** Seconds or an HTTP date in Retry-After, as milliseconds. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || !header.trim()) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function transportError(platform: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; message?: string };
  const reason = `${platform}:${e.code ?? 'network'}`;
  return new AppError('upstream_failed', `Không kết nối được ${platform} (${e.code ?? e.message ?? 'lỗi mạng'}).`, {
    platform,
    reason,
    retryable: true,
  });
}
