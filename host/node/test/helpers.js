// What the tests share: the Rust CLI as ground truth, the scenario files,
// fresh providers of both kinds, and canonical JSON.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryProvider } from '../src/index.js';
import { SqliteProvider } from '../src/providers/sqlite.js';
import { componentPath } from '../scripts/transpile.mjs';

const kit = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(kit, '../..');
export const SCENARIOS = join(REPO, 'tests/scenarios');
/// The CLI the cargo build made: $BACKORDERS_CLI, else target/release.
export const CLI = resolve(process.env.BACKORDERS_CLI || join(REPO, 'target/release/backorders'));

export const scenarioFiles = () => readdirSync(SCENARIOS).filter((name) => name.endsWith('.json')).sort();

/// Runs the CLI on the component this kit loads; returns its stdout.
export function cli(args) {
  if (!existsSync(CLI)) throw new Error(`no CLI at ${CLI}: run \`cargo build --release\` first, or set BACKORDERS_CLI`);
  return execFileSync(CLI, ['--component', componentPath(), ...args], { encoding: 'utf8' });
}

/// A fresh directory removed when the test ends.
export function temporaryDirectory(t) {
  const directory = mkdtempSync(join(tmpdir(), 'backorders-node-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/// Each provider kind, fresh: [name, make(t) -> provider].
export const PROVIDERS = [
  ['memory', () => new MemoryProvider()],
  ['sqlite', (t) => {
    const provider = new SqliteProvider(join(temporaryDirectory(t), 'kit.db'));
    t.after(() => provider.close());
    return provider;
  }],
];

/// JSON with every object's keys sorted, for byte comparison.
export function canonical(value) {
  const sorted = (item) => {
    if (Array.isArray(item)) return item.map(sorted);
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(Object.keys(item).sort().map((key) => [key, sorted(item[key])]));
    }
    return item;
  };
  return JSON.stringify(sorted(value));
}
