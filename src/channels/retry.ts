/**
 * Retries of platform calls: exponential backoff with jitter on failures marked retryable (5xx, timeouts,
 * connection errors, rate limits), honouring a Retry-After hint. Anything else is thrown at once.
 */
import { AppError } from '../errors/app-error.js';

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 300, maxDelayMs: 5_000 };

export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function retryDelay(policy: RetryPolicy, attempt: number, err: AppError, random = Math.random): number {
  const hinted = err.context.retryAfterMs;
  if (typeof hinted === 'number' && hinted >= 0) return Math.min(policy.maxDelayMs, hinted);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

export async function withRetries<T>(policy: RetryPolicy, op: (attempt: number) => Promise<T>, wait: Sleep = sleep): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await op(attempt);
    } catch (err) {
      if (!(err instanceof AppError) || err.context.retryable !== true || attempt >= policy.attempts) throw err;
      await wait(retryDelay(policy, attempt, err));
    }
  }
}
