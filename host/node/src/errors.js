// One error class for everything a call can refuse or fail with, carrying
// the fields of the CLI's `{"error": {"kind": …, …, "message": …}}`
// (host/cli/src/json/errors.rs): `kind`, `field` and `id` where the case
// has them (null otherwise), `message`, and the case's other fields.

export class BackorderError extends Error {
  /// `fields`: the case's fields in the CLI's JSON, without kind and message.
  constructor(kind, message, fields = {}) {
    super(message);
    this.name = 'BackorderError';
    this.kind = kind;
    this.field = fields.field ?? null;
    this.id = fields.id ?? null;
    Object.defineProperty(this, 'fields', { value: fields, enumerable: false });
    Object.assign(this, fields);
  }

  /// `{"error": {"kind": …, <the case's fields>, "message": …}}`, as the
  /// CLI prints with `--json`.
  toJSON() {
    return { error: { kind: this.kind, ...this.fields, message: this.message } };
  }
}

export function invalidInput(field, message) {
  return new BackorderError('invalid_input', message, { field });
}

const snake = (name) => name.replaceAll('-', '_');

/// The component's `backorder-error` (a `{tag, val}` from jco), with the
/// CLI's message for each case (backorders_host::error::describe_domain).
export function domainError({ tag, val }) {
  switch (tag) {
    case 'invalid-input': return invalidInput(val.field, val.message);
    case 'not-found': return new BackorderError('not_found', `not found: ${val}`, { id: val });
    case 'conflict': return new BackorderError('conflict',
      `conflict: the backorder changed meanwhile; it is now at version ${val}`, { current_version: Number(val) });
    case 'invalid-state': return new BackorderError('invalid_state', val.message,
      { id: val.id, record: val.status.tag, status: snake(val.status.val) });
    case 'priority-conflict': return new BackorderError('priority_conflict',
      `priority conflict: ${val} lacks allocation and is more urgent`, { blocking_backorder_id: val });
    case 'insufficient-stock': return new BackorderError('insufficient_stock',
      `insufficient stock: ${val} available`, { available: Number(val) });
    case 'storage': return new BackorderError('storage', `storage failed: ${val}`);
    case 'other': return new BackorderError('other', `component error: ${val}`);
    default: throw new TypeError(`unknown backorder-error case ${tag}`);
  }
}

const place = (location) => location ?? 'the default location';

export function stockBelowReserved(sku, location, onHand, reserved) {
  return new BackorderError('stock_below_reserved',
    `stock of ${sku} at ${place(location)}: ${onHand} on hand would be below the ${reserved} reserved`,
    { sku, location: location ?? null, on_hand: onHand, reserved });
}

export function stockOverflow(sku, location, onHand, quantity) {
  return new BackorderError('stock_overflow',
    `stock of ${sku} at ${place(location)}: adding ${quantity} to ${onHand} on hand is past the largest storable count`,
    { sku, location: location ?? null, on_hand: onHand, quantity });
}

/// The component trapped (a provider threw where the WIT has no error
/// case, or the component itself failed): the call rolled back.
export function trap(exportName, cause) {
  const error = new BackorderError('trap', `component trapped in ${exportName}: ${cause?.message ?? cause}`, { export: exportName });
  error.cause = cause;
  return error;
}

/// The provider failed outside the component (begin, commit, a stock row).
export function storageUnavailable(operation, cause) {
  const error = new BackorderError('storage_unavailable',
    `storage error while trying to ${operation}: ${cause?.message ?? cause}`, { operation });
  error.cause = cause;
  return error;
}
