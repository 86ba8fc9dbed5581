// The SQLite layout, read from the Rust provider's own declaration
// (host/sqlite/src/schema.rs: its constants, migrations and the batch that
// creates a database), so that the two hosts' files are declared once and
// cannot drift: a schema change there reaches this provider as it is.
// $BACKORDERS_SQLITE_SCHEMA names another copy of that file.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DECLARATION = resolve(dirname(fileURLToPath(import.meta.url)), '../../../sqlite/src/schema.rs');

/// A constant of schema.rs; a layout this reader does not recognise is an
/// error naming what it looked for, never a guess.
function reader(source, path) {
  const find = (pattern, what) => {
    const match = pattern.exec(source);
    if (!match) throw new Error(`${path}: cannot find ${what}; the SQLite provider reads its layout from there`);
    return match;
  };
  const text = (name) => find(new RegExp(`const ${name}: &str = "([^"\\\\]*)";`), `the text constant ${name}`)[1];
  const integer = (name) => Number(find(new RegExp(`const ${name}: i32 = (0x[0-9A-Fa-f_]+|[0-9_]+);`), `the constant ${name}`)[1].replaceAll('_', ''));
  return { find, text, integer };
}

export function rustSchema(path = process.env.BACKORDERS_SQLITE_SCHEMA || DECLARATION) {
  const source = readFileSync(path, 'utf8');
  const { find, text, integer } = reader(source, path);
  const numbers = { APPLICATION_ID: integer('APPLICATION_ID'), SCHEMA_VERSION: integer('SCHEMA_VERSION') };
  /// `{NAME}` of a Rust format string: a text constant or a number.
  const expand = (template) => template.replace(/\{([A-Z_0-9]+)\}/g, (_, name) => String(numbers[name] ?? text(name)));
  const [, count, body] = find(/const MIGRATIONS: \[&str; (\d+)\] = \[\n([\s\S]*?)\n\];/, 'MIGRATIONS');
  const items = body.split('\n').filter((line) => !/^\s*\/\//.test(line)).join('\n');
  const migrations = [...items.matchAll(/"([^"\\]*)"|\b([A-Z][A-Z0-9_]*)\b/g)]
    .map(([, literal, name]) => (literal !== undefined ? literal : text(name)));
  if (migrations.length !== Number(count)) throw new Error(`${path}: read ${migrations.length} of ${count} MIGRATIONS`);
  const create = find(/\.execute_batch\(&format!\(\s*"([^"\\]*)"\s*\)\)\s*\.map_err\(database\("create schema"\)\)/, 'the batch that creates the schema')[1];
  return {
    applicationId: numbers.APPLICATION_ID,
    version: numbers.SCHEMA_VERSION,
    /// The whole batch that lays out a new database, pragmas included.
    create: expand(create),
    /// MIGRATIONS[i] takes schema i + 1 to i + 2.
    migrations,
    /// The SQL expression an appended event's number is (schema 6).
    nextEventSeq: text('NEXT_EVENT_SEQ'),
  };
}
