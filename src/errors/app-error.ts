/** The only error class the application throws on purpose; the HTTP layer maps `code` to a status. */
export type AppErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'invalid_config'
  | 'invalid_knowledge'
  | 'index_build_failed'
  | 'upstream_failed'
  | 'rate_limited'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}
