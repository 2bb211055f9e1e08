/**
 * Application logging that never prints a citizen's personal data: every line goes through redactPii
 * before it reaches the stream, whatever the caller passed (strings, errors, context objects).
 */
import { format } from 'node:util';
import { redactPii } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to stdout for debug/info and stderr for warn/error. */
  write?: (level: LogLevel, line: string) => void;
  /** Prefix each line with an ISO timestamp and the level (default true). */
  decorate?: boolean;
}

function defaultWrite(level: LogLevel, line: string): void {
  (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
}

export function formatLogLine(message: string, context?: Record<string, unknown>): string {
  const text = context && Object.keys(context).length > 0 ? `${message} ${safeJson(context)}` : message;
  return redactPii(text);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message } : typeof v === 'bigint' ? v.toString() : v,
    );
  } catch {
    return '[context không tuần tự hoá được]';
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVEL_RANK[options.level ?? 'info'];
  const write = options.write ?? defaultWrite;
  const decorate = options.decorate ?? true;
  const emit = (level: LogLevel) => (message: string, context?: Record<string, unknown>) => {
    if (LEVEL_RANK[level] < threshold) return;
    const line = formatLogLine(message, context);
    write(level, decorate ? `${new Date().toISOString()} ${level.toUpperCase()} ${line}` : line);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * Makes console.log/info/warn/error/debug redact their output too, so that a library or a forgotten
 * console call cannot print personal data. Returns a function that restores the originals.
 */
export function redactConsole(target: Console = console): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((m) => target[m]);
  for (const [i, m] of methods.entries()) {
    const original = originals[i]!;
    target[m] = (...args: unknown[]) => original.call(target, redactPii(format(...args)));
  }
  return () => {
    for (const [i, m] of methods.entries()) target[m] = originals[i]!;
  };
}
