// The engine: one transaction per call around the provider's
// begin/commit/rollback, the component's export in between, results as the
// CLI's `--json` objects, errors as BackorderError.
import { loadComponent, instantiate } from './component.js';
import { converter, snake } from './convert.js';
import { parseTime } from './dates.js';
import {
  BackorderError, domainError, invalidInput, stockBelowReserved, stockOverflow, storageUnavailable, trap,
} from './errors.js';
import { OPERATIONS, operation, request } from './operations.js';

/// Largest quantity one stock command may set or add (the Rust host's).
export const MAX_STOCK_QUANTITY = 1_000_000_000_000_000;
const MAX_TEXT_CHARS = 64;
const MAX_STOCK_ROWS = 10_000;
const MAX_EVENTS_PER_READ = 10_000;

function checkText(field, value, allowWhitespace) {
  if (typeof value !== 'string') throw invalidInput(field, 'must be a text');
  if (value.length === 0) throw invalidInput(field, 'must not be empty');
  if ([...value].length > MAX_TEXT_CHARS) throw invalidInput(field, `must be at most ${MAX_TEXT_CHARS} characters`);
  if (/\p{Cc}/u.test(value)) throw invalidInput(field, 'must not contain control characters');
  if (!allowWhitespace && /\s/u.test(value)) throw invalidInput(field, 'must not contain whitespace');
}

/// A stock command's SKU, location and quantity (host/core's
/// `check_stock_input`).
function checkStockInput(sku, location, quantity, minimum) {
  checkText('sku', sku, false);
  if (location !== undefined && location !== null) checkText('location', location, true);
  if (quantity > MAX_STOCK_QUANTITY) throw invalidInput('quantity', `must be at most ${MAX_STOCK_QUANTITY}`);
  if (quantity < minimum) throw invalidInput('quantity', `must be at least ${minimum}`);
}

/// A stock level as the CLI shows it.
function stockReport(level) {
  return {
    sku: level.sku, location: level.location ?? null, on_hand: level.onHand, reserved: level.reserved,
    available: level.onHand - level.reserved,
  };
}

/// Whether jco threw the export's `err` (rather than the call trapping).
const isComponentError = (error) => error !== null && typeof error === 'object' && Object.hasOwn(error, 'payload')
  && error.constructor?.name === 'ComponentError';

function clockOf(now) {
  if (now === undefined || now === null) return () => Date.now();
  if (typeof now === 'function') return () => Number(now());
  const pinned = now instanceof Date ? now.getTime() : typeof now === 'string' ? parseTime('now', now) : Number(now);
  return () => pinned;
}

/// Per call, what the imports work on.
class Call {
  constructor(connection, now, toJson) {
    this.connection = connection;
    this.now = now;
    this.crossings = 0;
    // The outbox keeps events in the CLI's JSON shape.
    this.renderEvent = (event) => toJson(event);
  }
}

export class Engine {
  #provider;
  #component;
  #convert;
  #instance = null;
  #call = null;
  #clock;

  constructor(provider, component, options = {}) {
    this.#provider = provider;
    this.#component = component;
    this.#convert = converter(component.witTypes);
    this.#clock = clockOf(options.now);
    /// Crossings of the component's boundary by the last call.
    this.lastCrossings = 0;
    /// Instances made: one, plus one after each trap.
    this.instances = 0;
  }

  /// Pins the clock to `now` (a date, an RFC 3339 time, ms, a Date, or a
  /// function returning ms); undefined: wall time again.
  setClock(now) {
    this.#clock = clockOf(now);
  }

  /// The snake_case cases of the WIT enum `name` (`Priority`).
  get cases() {
    return this.#convert.cases;
  }

  /// The operations' names, as `call` takes them.
  get operations() {
    return Object.keys(OPERATIONS);
  }

  /// Runs the operation `name` with snake_case `args` in one transaction;
  /// `apply: false` previews a write (it runs and rolls back). Returns the
  /// CLI's `--json` result; throws a BackorderError.
  call(name, args = {}, { apply = true } = {}) {
    const op = operation(name);
    const built = request(op, args, this.#convert.cases);
    const commit = op.write && apply;
    const result = this.#transaction(op.write ? 'write' : 'read', commit, (host) => {
      let before;
      if (op.host) before = op.host(host, built);
      if (!op.export) return before;
      const raw = this.#export(op.export, op.args ? op.args(built) : [built]);
      const value = this.#shape(raw);
      return op.shape ? op.shape(value, host) : value;
    });
    return op.write ? { ...result, applied: commit } : result;
  }

  /// Stock rows of one SKU, or of all, as the CLI's `stock show --json`.
  stockShow(sku) {
    if (sku !== undefined && sku !== null) checkText('sku', sku, false);
    return this.#transaction('read', false, (host) => host.connection.stockLevels(sku ?? undefined, MAX_STOCK_ROWS).map(stockReport));
  }

  /// The newest `limit` events of the outbox, oldest first.
  events({ limit = 50 } = {}) {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS_PER_READ) {
      throw invalidInput('limit', `must be 1 to ${MAX_EVENTS_PER_READ}`);
    }
    return this.#transaction('read', false, (host) => host.connection.recentEvents(limit));
  }

  /// A result in the CLI's shape: the generic conversion, with a result
  /// record's `backorder` (or a SKU summary's `summary`) inlined, as the
  /// CLI prints them.
  #shape(raw) {
    const value = this.#convert.toJson(raw, '');
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const shaped = {};
    for (const [key, item] of Object.entries(value)) {
      const inline = (key === 'backorder' && 'backorder_id' in (item ?? {}) && 'sku' in item && 'status' in item)
        || (key === 'summary' && 'sku' in value);
      if (inline) Object.assign(shaped, item);
      else shaped[key] = item;
    }
    return shaped;
  }

  #export(name, args) {
    if (this.#instance === null) {
      this.#instance = instantiate(this.#component, () => this.#call);
      this.instances += 1;
    }
    try {
      return this.#instance[name](...args);
    } catch (error) {
      if (isComponentError(error)) throw domainError(error.payload);
      // A trap poisons the instance: the next call gets a fresh one.
      this.#instance = null;
      throw error instanceof BackorderError ? error : trap(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), error);
    } finally {
      this.lastCrossings = this.#call.crossings;
    }
  }

  /// Runs `body` in one transaction of a connection of the provider:
  /// commits only an applied write that succeeded; all else rolls back.
  #transaction(access, commit, body) {
    let connection;
    try {
      connection = this.#provider.connect(commit);
    } catch (error) {
      throw error instanceof BackorderError ? error : storageUnavailable('connect', error);
    }
    try {
      try {
        connection.begin(access);
      } catch (error) {
        throw storageUnavailable('begin transaction', error);
      }
      let value;
      try {
        this.#call = new Call(connection, this.#clock(), this.#convert.toJson);
        value = body(this.#host(connection));
      } catch (error) {
        try { connection.rollback(); } catch { /* the call's own error is the one to report */ }
        throw error;
      } finally {
        this.#call = null;
      }
      try {
        if (commit) connection.commit();
        else connection.rollback();
      } catch (error) {
        try { connection.rollback(); } catch { /* nothing committed either way */ }
        throw storageUnavailable(commit ? 'commit' : 'roll back', error);
      }
      return value;
    } finally {
      this.#provider.release?.(connection);
    }
  }

  /// The host's own steps a call may take on its connection.
  #host(connection) {
    const storage = (operation, body) => {
      try {
        return body();
      } catch (error) {
        throw error instanceof BackorderError ? error : storageUnavailable(operation, error);
      }
    };
    return {
      connection,
      stockReport,
      /// What the CLI checks of units received before the component runs.
      checkStockInput(sku, location, quantity) {
        checkStockInput(sku, location, quantity, 1);
      },
      addOnHand(sku, location, quantity) {
        checkStockInput(sku, location, quantity, 1);
        const level = storage('read stock', () => connection.stockLevel(sku, location ?? undefined));
        const total = level.onHand + quantity;
        if (!Number.isSafeInteger(total)) throw stockOverflow(sku, location, level.onHand, quantity);
        const updated = { ...level, onHand: total };
        storage('write stock', () => connection.writeOnHand(updated));
        return updated;
      },
      setOnHand(sku, location, onHand) {
        checkStockInput(sku, location, onHand, 0);
        const level = storage('read stock', () => connection.stockLevel(sku, location ?? undefined));
        if (onHand < level.reserved) throw stockBelowReserved(sku, location, onHand, level.reserved);
        const updated = { ...level, onHand };
        storage('write stock', () => connection.writeOnHand(updated));
        return updated;
      },
      stockProblems() {
        const problems = [];
        for (const { level, heldByReservations: held } of storage('check stock', () => connection.stockAudit())) {
          const subject = `${level.sku} at ${level.location ?? 'default'}`;
          if (level.reserved !== held) {
            problems.push({ kind: 'stock_mismatch', subject, detail: `stock says ${level.reserved} reserved, reservations hold ${held}` });
          }
          if (held > level.onHand) {
            problems.push({ kind: 'stock_mismatch', subject, detail: `reservations hold ${held}, only ${level.onHand} on hand` });
          }
        }
        return problems;
      },
    };
  }

  /// Sets the units on hand at one place as the platform's inventory would
  /// (refused below what is reserved there); a count that may take reserved
  /// units is the `stock_set` operation.
  setStock(sku, location, onHand, { apply = true } = {}) {
    const level = this.#transaction('write', apply, (host) => host.setOnHand(sku, location, onHand));
    return { ...stockReport(level), applied: apply };
  }
}

/// An engine over `provider`. Options: `now` (pin the clock: a date, an
/// RFC 3339 time, ms since the epoch, a Date, or a function giving ms).
/// The component is $BACKORDERS_COMPONENT or the cargo build's, transpiled
/// on first use.
export async function createEngine(provider, options = {}) {
  const component = await loadComponent();
  const engine = new Engine(provider, component, options);
  // One method per operation: engine.createBackorder(args, { apply }).
  for (const name of engine.operations) {
    const method = name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
    Object.defineProperty(engine, method, { value: (args, options) => engine.call(name, args, options) });
  }
  return engine;
}

export { snake };
