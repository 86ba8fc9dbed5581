#!/usr/bin/env node
// Transpiles the component that `cargo build --release -p backorders-host`
// builds into `gen/` with the jco pinned in package-lock.json, and derives
// from jco's generated declarations the two facts the JSON conversion needs
// and the JS values cannot tell: which record fields hold a WIT `timestamp`
// (a BigInt like any u64) and which hold a WIT enum (a string like any
// text), with every enum's cases. Nothing here is written by hand: a new
// field or enum case in the WIT reaches the kit by running this again.
//
// The component: $BACKORDERS_COMPONENT, else the cargo build's output.
// Skipped when gen/ already holds the transpilation of the same bytes.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const kit = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_COMPONENT = resolve(kit, '../../target/wasm/wasm32-wasip2/wasm/backorders_component.wasm');
const out = join(kit, 'gen');

export function componentPath() {
  return resolve(process.env.BACKORDERS_COMPONENT || DEFAULT_COMPONENT);
}

/// Field names by what they hold, and the enums' cases, from jco's `.d.ts`.
export function witTypes(declarations) {
  const enums = {};
  const fields = {}; // camelCase field name -> Set of declared type names
  for (const text of declarations) {
    for (const [, name, cases] of text.matchAll(/^export type (\w+) = ((?:'[a-z0-9-]+'(?: \| )?)+);$/gm)) {
      enums[name] = [...cases.matchAll(/'([a-z0-9-]+)'/g)].map((match) => match[1]);
    }
    for (const [, body] of text.matchAll(/^export interface \w+ \{\n([\s\S]*?)^\}/gm)) {
      // A variant's case (`{tag, val}`): its `val` is told by its tag.
      if (/^ {2}tag: '/m.test(body)) continue;
      for (const [, field, type] of body.matchAll(/^ {2}(\w+)\??: ([^,]+),$/gm)) {
        (fields[field] ??= new Set()).add(type);
      }
    }
  }
  const timeFields = [];
  const enumFields = [];
  for (const [field, types] of Object.entries(fields)) {
    const kinds = new Set([...types].map((type) => (type === 'Timestamp' ? 'time' : type in enums ? 'enum' : type)));
    // A field name that is a timestamp in one record and a plain u64 in
    // another (or an enum here and free text there) could not be told
    // apart by name: refuse rather than guess.
    if (kinds.has('time') && kinds.size > 1) throw new Error(`field ${field} is both a timestamp and ${[...kinds]}`);
    if (kinds.has('enum') && kinds.has('string')) throw new Error(`field ${field} is both an enum and text`);
    if (kinds.has('time')) timeFields.push(field);
    if (kinds.has('enum')) enumFields.push(field);
  }
  return { enums, timeFields: timeFields.sort(), enumFields: enumFields.sort() };
}

export function transpile({ quiet = false } = {}) {
  const component = componentPath();
  if (!existsSync(component)) {
    throw new Error(`no component at ${component}: run \`cargo build --release -p backorders-host\` first, or set BACKORDERS_COMPONENT`);
  }
  const bytes = readFileSync(component);
  const digest = createHash('sha256').update(bytes).digest('hex');
  const stamp = join(out, 'SOURCE_SHA256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return out;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // The package's own entry point (dist/api.js) sits beside its CLI.
  const jco = join(dirname(createRequire(import.meta.url).resolve('@bytecodealliance/jco')), 'jco.js');
  const result = spawnSync(process.execPath, [
    jco, 'transpile', component,
    '--instantiation', 'sync', '--name', 'backorders', '--quiet', '-o', out,
  ], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`jco transpile failed: ${result.stderr || result.stdout}`);
  const interfaces = join(out, 'interfaces');
  const declarations = readdirSync(interfaces)
    .filter((name) => name.startsWith('commerce-backorders-'))
    .map((name) => readFileSync(join(interfaces, name), 'utf8'));
  writeFileSync(join(out, 'wit-types.json'), JSON.stringify(witTypes(declarations), null, 2) + '\n');
  // The generated module is ESM; gen/ says so whatever a parent says.
  writeFileSync(join(out, 'package.json'), '{"type": "module"}\n');
  writeFileSync(stamp, digest);
  if (!quiet) console.log(`transpiled ${component} into ${out}`);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  transpile();
}
