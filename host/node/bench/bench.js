// Per-call figures of the Node kit: create, get, list, fulfil, 1,000 calls
// each, on the in-memory and the SQLite provider. Target (issue 14):
// create <= 300 µs on this machine. Then where a create's time goes, from
// a CPU profile of 1,000 more: jco's generated glue (lifting, lowering and
// its task bookkeeping at each crossing), the component's own wasm, the
// provider, the kit (arguments, JSON), the garbage collector.
//
//   npm run bench [-- --calls N]
import { Session } from 'node:inspector';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngine, MemoryProvider } from '../src/index.js';
import { SqliteProvider } from '../src/providers/sqlite.js';

const CALLS = Number(process.argv[process.argv.indexOf('--calls') + 1]) || 1000;
const TARGET_CREATE_US = 300;
const NOW = '2026-11-02T09:00:00Z';
const WARM_UP = 2000;

const create = (engine, index, prefix = 'O') => engine.call('create_backorder', {
  order_id: `${prefix}-${index}`, customer_id: 'C-1', sku: 'BENCH-1', quantity: 2, promised_date: '2026-12-01',
}).backorder_id;

async function measure(name, provider) {
  const engine = await createEngine(provider, { now: NOW });
  engine.call('stock_add', { sku: 'BENCH-1', quantity: CALLS });
  // Warm up the instance and the JIT: jco's glue functions are large, and
  // V8 optimizes them only after some hundreds of calls.
  for (let index = 0; index < WARM_UP; index += 1) create(engine, index, 'W');
  const ids = [];
  const rows = [];
  // Wall time, and the process's CPU time: on a machine shared with other
  // work the wall time includes waiting for a core, the CPU time does not.
  const run = (label, call) => {
    let crossings = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let index = 0; index < CALLS; index += 1) {
      call(index);
      crossings += engine.lastCrossings;
    }
    const wall = ((performance.now() - start) * 1000) / CALLS;
    const { user, system } = process.cpuUsage(cpu);
    rows.push({ label, perCall: wall, cpu: (user + system) / CALLS, crossings: crossings / CALLS });
  };
  run('create', (index) => ids.push(create(engine, index)));
  run('get', (index) => engine.call('get_backorder', { backorder_id: ids[index] }));
  run('list', () => engine.call('list_backorders', { sku: 'BENCH-1', limit: 20 }));
  run('fulfil', (index) => engine.call('fulfill_backorder', { backorder_id: ids[index], quantity: 1, override_priority: true }));
  console.log(`${name} provider, ${CALLS} calls each (the backorders grow from ${WARM_UP} to ${WARM_UP + CALLS}):`);
  for (const row of rows) {
    console.log(`  ${row.label.padEnd(7)} ${`${row.perCall.toFixed(1)} µs`.padStart(10)} per call (CPU ${row.cpu.toFixed(1)} µs)  ${row.crossings.toFixed(0)} crossings`);
  }
  return { engine, rows };
}

/// Shares of a CPU profile's samples while `body` runs, by where the code is.
function profile(body) {
  const session = new Session();
  session.connect();
  const post = (method, params) => {
    let result;
    session.post(method, params, (error, value) => {
      if (error) throw error;
      result = value;
    });
    return result;
  };
  post('Profiler.enable');
  post('Profiler.setSamplingInterval', { interval: 50 });
  post('Profiler.start');
  body();
  const { profile: cpu } = post('Profiler.stop');
  session.disconnect();
  const nodes = new Map(cpu.nodes.map((node) => [node.id, node.callFrame]));
  const shares = new Map();
  let total = 0;
  cpu.samples.forEach((id, index) => {
    const { url, functionName } = nodes.get(id);
    const where = url.includes('/gen/') ? 'jco glue (lifting, lowering, task bookkeeping)'
      : url.startsWith('wasm') || functionName.startsWith('wasm-function') ? 'the component (wasm)'
        : url.includes('/providers/') ? 'the provider'
          : url.includes('/src/') ? 'the kit (arguments, JSON, transaction)'
            : functionName === '(garbage collector)' ? 'garbage collector'
              : functionName === '(idle)' || functionName === '(program)' ? 'idle/other' : 'Node built-ins (Buffer, TextDecoder, …)';
    shares.set(where, (shares.get(where) ?? 0) + cpu.timeDeltas[index]);
    total += cpu.timeDeltas[index];
  });
  return [...shares].sort((a, b) => b[1] - a[1]).map(([where, time]) => [where, time / total]);
}

const memory = await measure('in-memory', new MemoryProvider());
const directory = mkdtempSync(join(tmpdir(), 'backorders-bench-'));
try {
  const sqlite = new SqliteProvider(join(directory, 'bench.db'));
  await measure('SQLite', sqlite);
  sqlite.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
const { perCall: createUs, cpu: createCpu } = memory.rows[0];
console.log(`create on the in-memory provider: ${createUs.toFixed(1)} µs (CPU ${createCpu.toFixed(1)} µs); target ${TARGET_CREATE_US} µs: ${createUs <= TARGET_CREATE_US ? 'met' : 'missed'}`);
console.log(`where ${CALLS} more creates' time goes (in-memory provider, CPU profile):`);
for (const [where, share] of profile(() => {
  for (let index = 0; index < CALLS; index += 1) create(memory.engine, index, 'P');
})) {
  console.log(`  ${`${(share * 100).toFixed(1)}%`.padStart(6)}  ${where}`);
}
