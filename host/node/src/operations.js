// The operations a caller (and a scenario step) names, with the arguments
// each takes: the MCP tools' names and arguments of the Rust CLI
// (host/cli/src/operations/*.rs), mirrored by hand because they are the
// CLI's vocabulary, not the WIT's. Each argument maps to the WIT request
// field of the same name in camelCase; `build` says only what differs.
import { BackorderError, invalidInput } from './errors.js';
import { parseDate, parseTime } from './dates.js';
import { camel, kebab } from './convert.js';

/// A parameter: name, kind, whether required. Kinds: text, time (a
/// timestamp), day (a date-or-time kept as given), u64, u32, i64, flag
/// (a bool, default false, never null), bool (may be null), or the name of
/// a WIT enum.
const p = (name, kind, required = false) => ({ name, kind, required });
const SKU = p('sku', 'text', true);
const LOCATION = p('location', 'text');
const REQUEST_ID = p('request_id', 'text');
const EXPECTED_VERSION = p('expected_version', 'u64');
const BACKORDER_ID = p('backorder_id', 'text', true);
const ALLOCATION_ID = p('allocation_id', 'text', true);
const QUANTITY = p('quantity', 'u64', true);
const SOURCE = p('source', 'SourceKind');
const SOURCE_REF = p('source_ref', 'text');
const POLICY = p('policy', 'AllocationPolicy');
const OVERRIDE_PRIORITY = p('override_priority', 'flag');
const NOTES = p('notes', 'text');
const EXPIRES_AT = p('expires_at', 'time');

/// `inventory` unless the caller named another source (the WIT has no
/// default: the CLI's).
const withSource = (request) => ({ ...request, source: request.source ?? 'inventory' });

/// An update of one field: a new value, a clear, or neither.
function change(args, request, field) {
  const clear = args[`clear_${field}`] === true;
  const value = request[camel(field)];
  if (value !== undefined && clear) throw invalidInput(field, `give a new value or clear_${field}, not both`);
  if (value !== undefined) return { tag: 'set', val: value };
  return clear ? { tag: 'clear' } : undefined;
}

const ALLOCATION_CHANGE = [ALLOCATION_ID, REQUEST_ID, p('expected_version', 'u64')];
const RUN = [SKU, LOCATION, POLICY, SOURCE, SOURCE_REF, EXPIRES_AT];

/// Every operation: `export` names the component's function (none: a host
/// operation), `write` whether it may change anything, `args` how the
/// export takes the request (default: the request record), `host` a host
/// step in the same transaction before the export.
export const OPERATIONS = {
  create_backorder: {
    export: 'createBackorder', write: true,
    params: [p('order_id', 'text', true), p('order_line_id', 'text'), p('customer_id', 'text', true), SKU, QUANTITY,
      p('priority', 'Priority'), p('expected_date', 'day'), p('promised_date', 'day'), LOCATION, NOTES, REQUEST_ID],
  },
  get_backorder: { export: 'getBackorder', write: false, params: [BACKORDER_ID], args: (r) => [r.backorderId] },
  list_backorders: {
    export: 'listBackorders', write: false,
    params: [p('sku', 'text'), p('status', 'BackorderStatus'), p('priority', 'Priority'), p('customer_id', 'text'),
      p('order_id', 'text'), p('open_only', 'flag'), p('overdue_only', 'flag'), p('expected_before', 'time'),
      p('limit', 'u32'), p('cursor', 'text')],
  },
  update_backorder: {
    export: 'updateBackorder', write: true,
    params: [BACKORDER_ID, p('priority', 'Priority'), p('expected_date', 'day'), p('clear_expected_date', 'flag'),
      p('promised_date', 'day'), p('clear_promised_date', 'flag'), p('location', 'text'), p('clear_location', 'flag'),
      p('notes', 'text'), p('clear_notes', 'flag'), REQUEST_ID, EXPECTED_VERSION],
    build: (request, args) => ({
      backorderId: request.backorderId,
      priority: request.priority,
      expectedDate: change(args, request, 'expected_date'),
      promisedDate: change(args, request, 'promised_date'),
      location: change(args, request, 'location'),
      notes: change(args, request, 'notes'),
      requestId: request.requestId,
      expectedVersion: request.expectedVersion,
    }),
  },
  allocate_backorder: {
    export: 'allocateBackorder', write: true,
    params: [BACKORDER_ID, QUANTITY, SOURCE, SOURCE_REF, p('location', 'text'), p('lot', 'text'), EXPIRES_AT,
      OVERRIDE_PRIORITY, REQUEST_ID, EXPECTED_VERSION],
    build: withSource,
  },
  confirm_allocation: { export: 'confirmAllocation', write: true, params: ALLOCATION_CHANGE },
  release_allocation: { export: 'releaseAllocation', write: true, params: ALLOCATION_CHANGE },
  extend_allocation: {
    export: 'extendAllocation', write: true,
    params: [ALLOCATION_ID, p('expires_at', 'time', true), REQUEST_ID, p('expected_version', 'u64')],
  },
  fulfill_backorder: {
    export: 'fulfillBackorder', write: true,
    params: [BACKORDER_ID, QUANTITY, SOURCE, SOURCE_REF, p('fulfilled_by', 'text'), NOTES, OVERRIDE_PRIORITY,
      REQUEST_ID, EXPECTED_VERSION],
    build: withSource,
  },
  cancel_backorder: {
    export: 'cancelBackorder', write: true,
    params: [BACKORDER_ID, p('quantity', 'u64'), p('reason', 'text'), REQUEST_ID, EXPECTED_VERSION],
  },
  receive: {
    export: 'receive', write: true,
    params: [SKU, QUANTITY, LOCATION, POLICY, SOURCE, SOURCE_REF, EXPIRES_AT, REQUEST_ID],
    // The units received are the document's: its expected supply shrinks
    // by as much. The component adds them to stock (once per request id).
    build: ({ quantity, ...request }) => ({ ...withSource(request), received: quantity }),
    host: (host, request) => host.checkStockInput(request.sku, request.location, request.received),
  },
  allocate_available: {
    export: 'allocateAvailable', write: true,
    params: [...RUN, p('received', 'u64'), REQUEST_ID],
    build: withSource,
  },
  expire_allocations: {
    export: 'expireAllocations', write: true,
    params: [p('reallocate', 'bool'), REQUEST_ID],
    build: (request) => ({ ...request, reallocate: request.reallocate ?? true }),
  },
  expect_supply: {
    export: 'expectSupply', write: true,
    params: [SKU, QUANTITY, p('expected_at', 'day', true), p('source', 'SourceKind', true), p('source_ref', 'text', true),
      LOCATION, REQUEST_ID],
  },
  list_expected_supply: { export: 'listExpectedSupply', write: false, params: [p('sku', 'text')], args: (r) => [r.sku] },
  get_backorder_summary: { export: 'getBackorderSummary', write: false, params: [], args: () => [] },
  get_sku_backorder_summary: { export: 'getSkuBackorderSummary', write: false, params: [SKU], args: (r) => [r.sku] },
  check_integrity: {
    export: 'checkIntegrity', write: false, params: [], args: () => [],
    // The component's check and the host's own stock check, as the CLI.
    shape: (report, host) => {
      const problems = [...report.problems, ...host.stockProblems()];
      const { problems: _, ...counts } = report;
      return { clean: problems.length === 0, ...counts, problems };
    },
  },
  stock_add: {
    write: true, params: [SKU, LOCATION, p('quantity', 'u64', true)],
    host: (host, request) => host.stockReport(host.addOnHand(request.sku, request.location, request.quantity)),
  },
  stock_set: {
    export: 'adjustStock', write: true, params: [SKU, LOCATION, QUANTITY, p('reason', 'text'), REQUEST_ID],
    build: (request) => ({ ...request, quantity: { tag: 'set', val: request.quantity } }),
    shape: (adjustment) => ({ ...adjustment, available: adjustment.on_hand - adjustment.reserved }),
  },
  stock_adjust: {
    export: 'adjustStock', write: true, params: [SKU, LOCATION, p('quantity', 'i64', true), p('reason', 'text', true), REQUEST_ID],
    build: (request) => ({ ...request, quantity: { tag: 'adjust', val: request.quantity } }),
    shape: (adjustment) => ({ ...adjustment, available: adjustment.on_hand - adjustment.reserved }),
  },
  update_settings: { export: 'updateSettings', write: true, params: [p('timezone', 'text')] },
};

/// serde's words for a JSON value of the wrong type.
function described(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a sequence';
  switch (typeof value) {
    case 'string': return `string ${JSON.stringify(value)}`;
    case 'boolean': return `boolean \`${value}\``;
    case 'number': return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
    default: return 'a map';
  }
}

const INTEGERS = { u64: [0, 2 ** 64], u32: [0, 2 ** 32 - 1], i64: [-(2 ** 63), 2 ** 63] };

/// A refusal of an argument's shape (unknown, missing, of the wrong type):
/// nothing was called, as the CLI's `Arguments::check`.
function argumentError(field, message) {
  const error = invalidInput(field, message);
  Object.defineProperty(error, 'argument', { value: true });
  return error;
}

/// One argument, checked and converted to its WIT value.
function convert(param, value, cases) {
  const wrong = (expected) => argumentError(param.name, `invalid type: ${described(value)}, expected ${expected}`);
  if (value === null && !param.required && param.kind !== 'flag') return undefined;
  switch (param.kind) {
    case 'text': case 'time': case 'day':
      if (typeof value !== 'string') throw wrong('a string');
      if (param.kind === 'time') return parseTime(param.name, value);
      if (param.kind === 'day') return parseDate(param.name, value);
      return value;
    case 'flag': case 'bool':
      if (typeof value !== 'boolean') throw wrong('a boolean');
      return value;
    case 'u64': case 'u32': case 'i64': {
      const [min, max] = INTEGERS[param.kind];
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrong(param.kind);
      if (value < min || value > max) {
        throw argumentError(param.name, `invalid value: integer \`${value}\`, expected ${param.kind}`);
      }
      return value;
    }
    default: {
      if (typeof value !== 'string') throw wrong('a string');
      const names = cases(param.kind);
      if (names !== null && !names.includes(value)) {
        throw argumentError(param.name, `unknown ${param.name.replaceAll('_', ' ')} \`${value}\`; expected one of: ${names.join(', ')}`);
      }
      return kebab(value);
    }
  }
}

function unknownField(name, params) {
  const names = params.map((param) => `\`${param.name}\``);
  if (names.length === 0) return `unknown field \`${name}\`, there are no fields`;
  if (names.length === 1) return `unknown field \`${name}\`, expected ${names[0]}`;
  if (names.length === 2) return `unknown field \`${name}\`, expected ${names[0]} or ${names[1]}`;
  return `unknown field \`${name}\`, expected one of ${names.join(', ')}`;
}

/// The operation called `name`.
export function operation(name) {
  const found = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  if (!found) {
    throw new BackorderError('invalid_input', `unknown operation \`${name}\`; expected one of: ${Object.keys(OPERATIONS).join(', ')}`, { field: 'op' });
  }
  return found;
}

/// The WIT request of `op` from the caller's snake_case arguments: every
/// argument known, of its kind, the required ones given (as the CLI's
/// `Arguments::check`); a refusal is `invalid_input` naming the argument.
export function request(op, args, cases) {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw argumentError('args', 'give the arguments as an object');
  }
  const built = {};
  for (const [name, value] of Object.entries(args)) {
    const param = op.params.find((candidate) => candidate.name === name);
    if (!param) throw argumentError(name, unknownField(name, op.params));
    const converted = convert(param, value, cases);
    if (!(param.kind === 'flag' && name.startsWith('clear_'))) built[camel(name)] = converted;
  }
  const missing = op.params.find((param) => param.required && !Object.hasOwn(args, param.name));
  if (missing) throw argumentError(missing.name, `missing field \`${missing.name}\``);
  for (const param of op.params) {
    if (param.kind === 'flag' && !param.name.startsWith('clear_')) built[camel(param.name)] ??= false;
  }
  return op.build ? op.build(built, args) : built;
}
