// WIT values (as jco lifts them) to the CLI's JSON, generically: keys in
// snake_case, enum cases in snake_case, options as null, u64 as numbers,
// timestamps as RFC 3339 UTC strings, a date-or-time as the CLI shows it.
// Which fields hold a timestamp or an enum comes from gen/wit-types.json,
// which scripts/transpile.mjs derives from the component's own types.
import { formatDate, formatTime } from './dates.js';

const snakes = new Map();
/// `createdAt` and `partially-fulfilled` in snake_case (remembered: the
/// names are few and every call converts them).
export function snake(name) {
  let converted = snakes.get(name);
  if (converted === undefined) {
    converted = name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`).replaceAll('-', '_');
    if (snakes.size < 10_000) snakes.set(name, converted);
  }
  return converted;
}
const camels = new Map();
/// `order_id` in camelCase, as jco names record fields (remembered too).
export function camel(name) {
  let converted = camels.get(name);
  if (converted === undefined) {
    converted = name.replace(/_([a-z0-9])/g, (_, letter) => letter.toUpperCase());
    if (camels.size < 10_000) camels.set(name, converted);
  }
  return converted;
}
export const kebab = (name) => name.replaceAll('_', '-');

export function converter(witTypes) {
  const timeFields = new Set(witTypes.timeFields);
  const enumFields = new Set(witTypes.enumFields);

  function toJson(value, field) {
    if (value === undefined || value === null) return null;
    switch (typeof value) {
      case 'bigint': {
        if (timeFields.has(field)) return formatTime(value);
        const number = Number(value);
        if (!Number.isSafeInteger(number)) throw new RangeError(`${field}: ${value} is past what a JSON number holds exactly`);
        return number;
      }
      case 'string': return enumFields.has(field) ? snake(value) : value;
      case 'number': case 'boolean': return value;
      default: break;
    }
    if (Array.isArray(value)) return value.map((item) => toJson(item, field));
    if ('tag' in value) {
      // The only variant a result carries is a date-or-time.
      if (value.tag === 'date' || value.tag === 'time') return formatDate(value);
      throw new TypeError(`${field}: no JSON shape for the variant case ${value.tag}`);
    }
    const object = {};
    for (const [key, item] of Object.entries(value)) object[snake(key)] = toJson(item, key);
    return object;
  }

  /// The enum `name`'s cases, in snake_case.
  const cases = (name) => witTypes.enums[name].map(snake);
  return { toJson, cases };
}
