// The transpiled component: compiled once per process, instantiated with
// imports that run against the connection of the call in progress.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, io } from '@bytecodealliance/preview2-shim';
import { transpile } from '../scripts/transpile.mjs';
import { InventoryError } from './provider.js';
import { utcOffset } from './dates.js';

const WIT = 'commerce:backorders';
const loaded = new Map();

/// The transpiled module, its compiled core modules and its WIT facts,
/// transpiled first if gen/ lacks this component.
export async function loadComponent() {
  const out = transpile({ quiet: true });
  let component = loaded.get(out);
  if (component === undefined) {
    const generated = await import(join(out, 'backorders.js'));
    const modules = new Map();
    component = {
      instantiate: generated.instantiate,
      core: (path) => {
        let module = modules.get(path);
        if (module === undefined) {
          module = new WebAssembly.Module(readFileSync(join(out, path)));
          modules.set(path, module);
        }
        return module;
      },
      witTypes: JSON.parse(readFileSync(join(out, 'wit-types.json'), 'utf8')),
    };
    loaded.set(out, component);
  }
  return component;
}

/// What the component sees of a failure: `unavailable` with the provider's
/// own message, unless the provider refused in the WIT's terms.
function refusal(error) {
  if (error instanceof InventoryError) return error.payload;
  return { tag: 'unavailable', val: String(error?.message ?? error) };
}

/// Runs `body`; a thrown failure becomes the WIT error jco hands the
/// component (an import signals `err` by throwing its payload, and an
/// `Error` it throws would trap instead).
function guarded(body) {
  try {
    return body();
  } catch (error) {
    throw refusal(error);
  }
}

const number = (value) => (value === undefined ? undefined : Number(value));

/// A fresh instance whose imports act on `call()`'s connection and clock:
/// `call()` returns `{ connection, now, crossings, renderEvent }`.
export function instantiate(component, call) {
  const crossing = () => {
    const current = call();
    current.crossings += 1;
    return current;
  };
  const connection = () => crossing().connection;
  const imports = {
    [`${WIT}/store`]: {
      get: (key) => guarded(() => connection().get(key)),
      getMany: (keys) => guarded(() => {
        const target = connection();
        return target.getMany ? target.getMany(keys) : keys.map((key) => target.get(key));
      }),
      scan: (start, end, limit) => guarded(() => connection().scan(start, end, limit)),
      writeBatch: (writes) => guarded(() => connection().writeBatch(writes)),
      nextNumber: (sequence, after) => guarded(() => BigInt(connection().nextNumber(sequence, Number(after)))),
    },
    [`${WIT}/inventory`]: {
      reservedTotals: () => guarded(() => connection().reservedTotals()),
      available: (sku, location) => guarded(() => connection().available(sku, location)),
      reserve: (request) => {
        const current = crossing();
        return guarded(() => current.connection.reserve({
          sku: request.sku,
          location: request.location,
          quantity: Number(request.quantity),
          holder: request.holder,
          expiresAt: number(request.expiresAt),
          createdAt: current.now,
        }));
      },
      release: (id, quantity) => guarded(() => connection().release(id, number(quantity))),
      extend: (id, expiresAt) => guarded(() => connection().extend(id, number(expiresAt))),
      consume: (id, quantity) => guarded(() => connection().consume(id, Number(quantity))),
      issue: (sku, location, quantity) => guarded(() => connection().issue(sku, location, Number(quantity))),
      reservations: (sku, location) => guarded(() => connection().reservations(sku, location)),
      setOnHand: (sku, location, quantity) => {
        const target = connection();
        const level = guarded(() => target.stockLevel(sku, location));
        // The component releases reservations first; a count below them
        // is it breaking the contract: a trap (thrown as an Error).
        if (Number(quantity) < level.reserved) {
          throw new Error('inventory.set-on-hand: quantity must not be below the units reserved');
        }
        guarded(() => target.writeOnHand({ ...level, onHand: Number(quantity) }));
      },
    },
    [`${WIT}/events`]: {
      // No error case: a provider that cannot store the events throws an
      // Error, which traps, and the call rolls back.
      emit: (events) => {
        const current = crossing();
        for (const event of events) current.connection.append(current.renderEvent(event), current.now);
      },
    },
    [`${WIT}/clock`]: {
      now: () => BigInt(crossing().now),
      utcOffset: (zone, at) => {
        crossing();
        return utcOffset(zone, at);
      },
    },
    // WASI as the Rust host answers it: no environment, no arguments;
    // stdio goes to the process's.
    'wasi:cli/environment': { ...cli.environment, getEnvironment: () => [], getArguments: () => [] },
    'wasi:cli/exit': cli.exit,
    'wasi:cli/stderr': cli.stderr,
    'wasi:cli/stdin': cli.stdin,
    'wasi:cli/stdout': cli.stdout,
    'wasi:cli/terminal-input': cli.terminalInput,
    'wasi:cli/terminal-output': cli.terminalOutput,
    'wasi:cli/terminal-stderr': cli.terminalStderr,
    'wasi:cli/terminal-stdin': cli.terminalStdin,
    'wasi:cli/terminal-stdout': cli.terminalStdout,
    'wasi:io/error': io.error,
    'wasi:io/poll': io.poll,
    'wasi:io/streams': io.streams,
  };
  return component.instantiate(component.core, imports).backorders;
}
