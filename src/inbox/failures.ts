/** How the inbox classifies and names a failed delivery (no personal data: codes and reasons only). */
import { AppError } from '../errors/app-error.js';

/** A delivery failure worth retrying later: AppError with `context.retryable`, or anything unexpected. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AppError) return err.context.retryable === true;
  return true;
}

/** `code:reason` of an AppError, or the error's class name. */
export function describeFailure(err: unknown): string {
  if (err instanceof AppError) {
    const reason = typeof err.context.reason === 'string' ? `:${err.context.reason}` : '';
    return `${err.code}${reason}`;
  }
  return err instanceof Error ? err.name : 'unknown';
}
