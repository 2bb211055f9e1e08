/**
 * The HTTP client shared by the platform API clients: axios (config, interceptors, JSON transforms, errors)
 * over a lean keep-alive adapter. Platform calls are small JSON requests on a handful of hosts, so the
 * adapter skips what axios's general-purpose Node adapter spends time on (proxies, redirects, stream
 * plumbing, progress events): at hundreds of messages per second that halves the client's CPU per call.
 * HTTP error statuses do not throw (each client reads the platform's own error body); transport failures
 * become retryable AppErrors without the URL (it can carry an access token).
 */
import http from 'node:http';
import https from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import axios, { AxiosError, type AxiosAdapter, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { AppError } from '../errors/app-error.js';

/** Platform responses are small; anything bigger is refused. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export function createPlatformHttp(timeoutMs: number): AxiosInstance {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 128 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 128 }),
  };
  return axios.create({
    timeout: timeoutMs,
    httpAgent: agents.http,
    httpsAgent: agents.https,
    validateStatus: () => true,
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    proxy: false,
    adapter: keepAliveAdapter(agents),
  });
}

function requestUrl(config: InternalAxiosRequestConfig): URL {
  const url = new URL(config.url!, config.baseURL);
  for (const [k, v] of Object.entries((config.params ?? {}) as Record<string, unknown>)) {
    if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
  }
  return url;
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

export function keepAliveAdapter(agents: { http: http.Agent; https: https.Agent }): AxiosAdapter {
  return (config) =>
    new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = requestUrl(config);
      } catch (err) {
        reject(AxiosError.from(err as Error, AxiosError.ERR_INVALID_URL, config));
        return;
      }
      const secure = url.protocol === 'https:';
      const body = config.data === undefined || config.data === null ? undefined : typeof config.data === 'string' || Buffer.isBuffer(config.data) ? config.data : String(config.data);
      const headers = config.headers.toJSON(true) as Record<string, string>;
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      const limit = config.maxContentLength && config.maxContentLength > 0 ? config.maxContentLength : MAX_RESPONSE_BYTES;

      const req = (secure ? https : http).request(url, { method: (config.method ?? 'get').toUpperCase(), headers, agent: secure ? agents.https : agents.http }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            res.destroy();
            reject(new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, req));
          } else chunks.push(chunk);
        });
        res.on('error', (err) => reject(AxiosError.from(err, AxiosError.ERR_BAD_RESPONSE, config, req)));
        res.on('end', () => {
          if (size > limit) return;
          let data: string;
          try {
            data = decode(Buffer.concat(chunks), res.headers['content-encoding']).toString('utf8');
          } catch (err) {
            reject(AxiosError.from(err as Error, AxiosError.ERR_BAD_RESPONSE, config, req));
            return;
          }
          const response = { data, status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, config, request: req };
          if (!config.validateStatus || config.validateStatus(response.status)) resolve(response);
          else reject(new AxiosError(`Request failed with status code ${response.status}`, AxiosError.ERR_BAD_RESPONSE, config, req, response));
        });
      });
      if (config.timeout) {
        req.setTimeout(config.timeout, () => {
          req.destroy(new AxiosError(`timeout of ${config.timeout}ms exceeded`, AxiosError.ECONNABORTED, config, req));
        });
      }
      req.on('error', (err) => reject(err instanceof AxiosError ? err : AxiosError.from(err, (err as NodeJS.ErrnoException).code, config, req)));
      req.end(body);
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
  return new AppError('upstream_failed', `Không kết nối được ${platform} (${e.code ?? 'lỗi mạng'}).`, {
    platform,
    reason,
    retryable: true,
  });
}
