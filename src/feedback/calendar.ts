/**
 * Report calendar: a turn's local day, ISO week (identified by its Monday) and month, cut in the report
 * time zone (Vietnam has no daylight saving, but the zone stays configurable).
 */
export type Period = 'day' | 'week' | 'month';

export interface Buckets {
  day: string;
  week: string;
  month: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** 'YYYY-MM-DD' of the instant in the given zone. */
export function localDay(at: Date, timeZone: string): string {
  return formatter(timeZone).format(at);
}

function parseDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

function formatDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const d = parseDay(day);
  d.setUTCDate(d.getUTCDate() + n);
  return formatDay(d);
}

/** The Monday starting the ISO week of `day`. */
export function weekOf(day: string): string {
  const d = parseDay(day);
  const offset = (d.getUTCDay() + 6) % 7;
  return addDays(day, -offset);
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

export function bucketsOf(at: Date, timeZone: string): Buckets {
  const day = localDay(at, timeZone);
  return { day, week: weekOf(day), month: monthOf(day) };
}

export function bucketOfDay(day: string, period: Period): string {
  return period === 'day' ? day : period === 'week' ? weekOf(day) : monthOf(day);
}

/** Every bucket of `period` touched by the inclusive day range, in order. */
export function bucketRange(fromDay: string, toDay: string, period: Period): string[] {
  const out: string[] = [];
  for (let day = fromDay; day <= toDay; day = addDays(day, 1)) {
    const b = bucketOfDay(day, period);
    if (out[out.length - 1] !== b) out.push(b);
  }
  return out;
}

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDay(day: string): boolean {
  return DAY_PATTERN.test(day) && formatDay(parseDay(day)) === day;
}
