// Times in and out, as the Rust host reads and writes them
// (host/core/src/dates.rs): a date `2026-12-01` or an RFC 3339 time with
// an offset in; RFC 3339 UTC out, fractional seconds only when not zero.
import { invalidInput } from './errors.js';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function calendarMs(year, month, day) {
  const start = new Date(0);
  start.setUTCFullYear(year, month - 1, day);
  const exact = start.getUTCFullYear() === year && start.getUTCMonth() === month - 1 && start.getUTCDate() === day;
  return exact ? start.getTime() : undefined;
}

/// Milliseconds since the epoch of `input`, for the request field `field`.
export function parseTime(field, input) {
  const refuse = (rule) => invalidInput(field, `\`${input}\` ${rule}`);
  const date = DATE.exec(input);
  if (date) {
    const ms = calendarMs(+date[1], +date[2], +date[3]);
    if (ms === undefined) throw refuse('is not a valid calendar date');
    return ms;
  }
  const time = TIME.exec(input);
  const neither = 'is neither a date (2026-12-01) nor an RFC 3339 time (2026-12-01T09:30:00Z)';
  if (!time) throw refuse(neither);
  const [, year, month, day, hour, minute, second, fraction, , sign, offsetHours, offsetMinutes] = time;
  const start = calendarMs(+year, +month, +day);
  if (start === undefined || +hour > 23 || +minute > 59 || +second > 60 || +(offsetHours ?? 0) > 23 || +(offsetMinutes ?? 0) > 59) {
    throw refuse(neither);
  }
  const digits = (fraction ?? '.').slice(1).padEnd(9, '0');
  if (/[1-9]/.test(digits.slice(3))) throw refuse('is more precise than a millisecond');
  const offset = sign ? (sign === '-' ? -1 : 1) * (+offsetHours * 60 + +offsetMinutes) * 60_000 : 0;
  return start + ((+hour * 60 + +minute) * 60 + Math.min(+second, 59)) * 1000 + +digits.slice(0, 3) - offset;
}

/// A promised or expected date as given: a day (WIT `date`, days since
/// 1970-01-01) or an instant (WIT `time`).
export function parseDate(field, input) {
  if (!DATE.test(input)) return { tag: 'time', val: parseTime(field, input) };
  return { tag: 'date', val: Math.floor(parseTime(field, input) / DAY_MS) };
}

/// RFC 3339 in UTC: `2026-12-01T00:00:00Z`, `2026-12-01T09:30:00.250Z`.
let lastTime = { ms: undefined, text: '' };
export function formatTime(ms) {
  const number = Number(ms);
  // A result repeats its times (created, updated, the event's): the last
  // one is remembered.
  if (number === lastTime.ms) return lastTime.text;
  const time = new Date(number);
  if (Number.isNaN(time.getTime())) return `${ms}ms-since-epoch`;
  lastTime = { ms: number, text: time.toISOString().replace('.000Z', 'Z') };
  return lastTime.text;
}

/// A WIT date-or-time as the CLI shows it: `2026-12-01` for a day.
export function formatDate(value) {
  switch (value.tag) {
    case 'date': return formatTime(value.val * DAY_MS).slice(0, 10);
    case 'time': return formatTime(value.val);
    default: throw new TypeError(`not a date-or-time: ${value.tag}`);
  }
}

const zones = new Map();

/// Seconds east of UTC of the IANA zone `zone` at `at` (ms); undefined for
/// a zone the runtime's time zone database does not know.
export function utcOffset(zone, at) {
  let format = zones.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
      });
    } catch {
      format = null;
    }
    zones.set(zone, format);
  }
  if (format === null) return undefined;
  const instant = new Date(Number(at));
  if (Number.isNaN(instant.getTime())) return undefined;
  const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - +parts.year : +parts.year;
  const local = new Date(0);
  local.setUTCFullYear(year, +parts.month - 1, +parts.day);
  local.setUTCHours(+parts.hour, +parts.minute, +parts.second, 0);
  return Math.round((local.getTime() - (instant.getTime() - instant.getUTCMilliseconds())) / 1000);
}
