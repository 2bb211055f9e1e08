/**
 * DATA_DIR/service.pid lets `npm run kb -- publish` reach a service running on the same machine without Redis:
 * the CLI records the publication in the database and sends SIGHUP to the pid written here. The file holds
 * the pid and the command line, and a signal is only sent when /proc shows that same command still running,
 * so a stale file whose pid was reused by another program never gets that program a SIGHUP.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PID_FILE = 'service.pid';

interface PidRecord {
  pid: number;
  /** /proc/<pid>/cmdline when the service started ('' where /proc does not exist). */
  cmdline: string;
  startedAt: string;
}

const commandLine = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
};

export function writePidFile(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, PID_FILE);
  const record: PidRecord = { pid: process.pid, cmdline: commandLine(process.pid) ?? '', startedAt: new Date().toISOString() };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record)}\n`);
  renameSync(tmp, path);
  return path;
}

/** Removes the pid file if it is still ours (another instance on the same DATA_DIR may have replaced it). */
export function removePidFile(dataDir: string): void {
  const path = join(dataDir, PID_FILE);
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as PidRecord;
    if (record.pid === process.pid) rmSync(path, { force: true });
  } catch {
    // absent or unreadable: nothing to remove
  }
}

export type SignalOutcome = { sent: true; pid: number } | { sent: false; reason: string };

/** Sends SIGHUP to the service recorded in DATA_DIR/service.pid if it is still that service. */
export function signalService(dataDir: string): SignalOutcome {
  const path = join(dataDir, PID_FILE);
  if (!existsSync(path)) return { sent: false, reason: `không có ${path} (dịch vụ chưa chạy với DATA_DIR này)` };
  let record: PidRecord;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as PidRecord;
    if (!Number.isInteger(record.pid) || record.pid <= 1) throw new Error('pid');
  } catch {
    return { sent: false, reason: `${path} không đọc được` };
  }
  if (record.cmdline && commandLine(record.pid) !== record.cmdline) {
    return { sent: false, reason: `tiến trình ${record.pid} trong ${PID_FILE} không còn chạy` };
  }
  try {
    process.kill(record.pid, 'SIGHUP');
    return { sent: true, pid: record.pid };
  } catch (err) {
    return { sent: false, reason: `không gửi được SIGHUP tới ${record.pid}: ${(err as Error).message}` };
  }
}
