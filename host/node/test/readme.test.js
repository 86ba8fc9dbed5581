// The README section's example runs and prints what the section says.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const kit = resolve(dirname(fileURLToPath(import.meta.url)), '..');

test('the example of README-section.md prints what follows it', () => {
  const section = readFileSync(join(kit, 'README-section.md'), 'utf8');
  const [, example, printed] = /### Example\n\n```js\n([\s\S]*?)```\n\nprints\n\n```text\n([\s\S]*?)```/.exec(section);
  // Inside the package, so that `@backorders/node` names it.
  const file = join(kit, 'test', '.readme-example.mjs');
  writeFileSync(file, example);
  try {
    assert.equal(execFileSync(process.execPath, [file], { encoding: 'utf8' }), printed);
  } finally {
    rmSync(file, { force: true });
  }
});
