// Every scenario file through this kit, on each provider, with the same
// verdict per step as `backorders run --json` gives on the Rust host.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createEngine } from '../src/index.js';
import { parseScenario, runScenario } from '../src/scenario.js';
import { PROVIDERS, SCENARIOS, cli, scenarioFiles } from './helpers.js';

/// The Rust host's verdicts: file name -> [status per step].
const rust = new Map(JSON.parse(cli(['run', SCENARIOS, '--json'])).scenarios.map((scenario) => [
  scenario.file.split('/').pop(), scenario.steps.map((step) => step.status),
]));

const files = scenarioFiles();

test('the Rust host ran every scenario file, and passed each', () => {
  assert.deepEqual([...rust.keys()], files);
  for (const [file, statuses] of rust) assert.ok(statuses.every((status) => status === 'passed'), file);
});

for (const [kind, make] of PROVIDERS) {
  describe(`scenarios on the ${kind} provider`, () => {
    for (const file of files) {
      test(file, async (t) => {
        const engine = await createEngine(make(t));
        const scenario = parseScenario(readFileSync(join(SCENARIOS, file), 'utf8'), file, engine);
        const report = runScenario(scenario, engine);
        const failures = report.steps.filter((step) => step.status === 'failed');
        assert.deepEqual(failures, [], `${file}: ${JSON.stringify(failures, null, 1)}`);
        assert.deepEqual(report.steps.map((step) => step.status), rust.get(file));
      });
    }
  });
}
