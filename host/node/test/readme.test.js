// The README's Node.js example runs and prints what the README says.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const kit = resolve(dirname(fileURLToPath(import.meta.url)), '..');

test('the example of the README section "Load it from Node.js" prints what follows it', () => {
  const readme = readFileSync(join(kit, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Load it from Node.js'), readme.indexOf('## Load it from Python'));
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
