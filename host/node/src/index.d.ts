// Types of the backorders Node.js kit. Results are the CLI's `--json`
// values (snake_case keys, numbers, RFC 3339 times, null for none); the
// provider interface is what a platform implements over its own storage.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/// The operations, by the names the MCP tools and scenario steps use.
export type OperationName =
  | 'create_backorder' | 'get_backorder' | 'list_backorders' | 'update_backorder'
  | 'allocate_backorder' | 'confirm_allocation' | 'release_allocation' | 'extend_allocation'
  | 'fulfill_backorder' | 'cancel_backorder' | 'receive' | 'allocate_available' | 'expire_allocations'
  | 'expect_supply' | 'list_expected_supply' | 'get_backorder_summary' | 'get_sku_backorder_summary'
  | 'check_integrity' | 'stock_add' | 'stock_set' | 'stock_adjust' | 'update_settings';

export interface CallOptions {
  /// false: run the write and roll it back (a preview, `"applied": false`).
  /// Default true. Reads ignore it.
  apply?: boolean;
}

/// A time: a date `2026-12-01` (its start in UTC), an RFC 3339 time, ms
/// since the epoch, a Date, or a function returning ms.
export type Clock = string | number | Date | (() => number);

export interface EngineOptions {
  /// Pin the clock; default: wall time.
  now?: Clock;
}

type Call = (args?: JsonObject, options?: CallOptions) => any;

export declare class Engine {
  /// Runs `name` with snake_case `args` in one transaction. Returns the
  /// CLI's `--json` value (a write's carries `applied`); throws a
  /// BackorderError.
  call(name: OperationName, args?: JsonObject, options?: CallOptions): any;
  /// Pins the clock (undefined: wall time again).
  setClock(now?: Clock): void;
  /// Sets the units on hand at one place as the platform's inventory
  /// would, refused below what is reserved there.
  setStock(sku: string, location: string | undefined, onHand: number, options?: CallOptions): JsonObject;
  /// Stock rows of one SKU, or of all: `{sku, location, on_hand, reserved, available}`.
  stockShow(sku?: string): JsonObject[];
  /// The newest `limit` events of the outbox (default 50, as the CLI), oldest first.
  events(options?: { limit?: number }): JsonObject[];
  readonly operations: OperationName[];
  /// Crossings of the component's boundary by the last call.
  readonly lastCrossings: number;
  /// Instances made so far: one, plus one after each trap.
  readonly instances: number;

  createBackorder: Call; getBackorder: Call; listBackorders: Call; updateBackorder: Call;
  allocateBackorder: Call; confirmAllocation: Call; releaseAllocation: Call; extendAllocation: Call;
  fulfillBackorder: Call; cancelBackorder: Call; receive: Call; allocateAvailable: Call; expireAllocations: Call;
  expectSupply: Call; listExpectedSupply: Call; getBackorderSummary: Call; getSkuBackorderSummary: Call;
  checkIntegrity: Call; stockAdd: Call; stockSet: Call; stockAdjust: Call; updateSettings: Call;
}

/// An engine over `provider`: the component at $BACKORDERS_COMPONENT or
/// the cargo build's, transpiled on first use (`npm run transpile`).
export declare function createEngine(provider: Provider, options?: EngineOptions): Promise<Engine>;

/// Every refusal and failure of a call: the CLI's
/// `{"error": {"kind", <fields>, "message"}}` as an Error.
export declare class BackorderError extends Error {
  /// `invalid_input`, `not_found`, `conflict`, `invalid_state`,
  /// `priority_conflict`, `insufficient_stock`, `storage`, `other`; from the
  /// host: `stock_below_reserved`, `stock_overflow`, `trap`,
  /// `storage_unavailable`, `open_database`, `foreign_database`,
  /// `unsupported_schema`.
  readonly kind: string;
  /// The argument at fault (`invalid_input`), else null.
  readonly field: string | null;
  /// The backorder or allocation (`not_found`, `invalid_state`), else null.
  readonly id: string | null;
  /// The case's other fields: `current_version`, `record`, `status`,
  /// `blocking_backorder_id`, `available`, `export`, `operation`, ….
  readonly [field: string]: unknown;
  toJSON(): { error: JsonObject };
}

/// A provider refusing an inventory operation in the WIT's terms.
export declare class InventoryError extends Error {
  static insufficientStock(available: number): InventoryError;
  static unknownReservation(id: string): InventoryError;
  static exceedsReservation(held: number): InventoryError;
}

/// Hands out one connection per call; `release` takes it back.
export interface Provider {
  /// `willCommit`: the call may commit (an applied write).
  connect(willCommit: boolean): Connection;
  release?(connection: Connection): void;
}

/// A location: undefined for the platform's default one.
export type Location = string | undefined;

export interface StockLevel { sku: string; location: Location; onHand: number; reserved: number }

/// Everything one call runs against, inside one transaction.
export interface Connection {
  begin(access: 'read' | 'write'): void;
  commit(): void;
  rollback(): void;

  /// The value under `key`, byte for byte as stored, or undefined.
  get(key: Uint8Array): Uint8Array | undefined;
  /// Optional: the values of `keys`, in order (default: `get` each).
  getMany?(keys: Uint8Array[]): (Uint8Array | undefined)[];
  /// Entries with start <= key < end in unsigned byte order (a proper
  /// prefix first), at most `limit`.
  scan(start: Uint8Array, end: Uint8Array, limit: number): { key: Uint8Array; value: Uint8Array }[];
  /// Applies the writes in order; the arrays are the provider's to keep.
  writeBatch(writes: ({ tag: 'set'; val: { key: Uint8Array; value: Uint8Array } } | { tag: 'delete'; val: Uint8Array })[]): void;
  /// A number of the sequence greater than `after` and than every number
  /// it gave before (WIT `next-number`); a rollback gives it back.
  nextNumber(sequence: string, after: number): number;

  available(sku: string, location: Location): number;
  /// A new reservation's id, never one used before.
  reserve(request: { sku: string; location: Location; quantity: number; holder: string; expiresAt?: number; createdAt: number }): string;
  /// Gives back `quantity` held units, or all when undefined; a
  /// reservation left holding nothing ends.
  release(id: string, quantity?: number): void;
  extend(id: string, expiresAt?: number): void;
  /// Ships reserved units: they leave the reservation and on-hand stock.
  consume(id: string, quantity: number): void;
  /// Ships unreserved units.
  issue(sku: string, location: Location, quantity: number): void;
  /// Units held by reservations per SKU and location, by SKU then location.
  reservedTotals(): { sku: string; location: Location; quantity: number }[];
  /// The reservations at one place, oldest first.
  reservations(sku: string, location: Location): { reservationId: string; holder: string; quantity: number }[];

  stockLevel(sku: string, location: Location): StockLevel;
  writeOnHand(level: StockLevel): void;
  stockLevels(sku: string | undefined, limit: number): StockLevel[];
  stockAudit(): { level: StockLevel; heldByReservations: number }[];

  /// Appends an event (in the CLI's JSON shape, without `seq` and
  /// `recorded_at`) to the outbox; throwing traps the call, which rolls back.
  append(event: JsonObject, recordedAt: number): void;
  /// The newest `limit` events, oldest first, as `backorders events --json`.
  recentEvents(limit: number): JsonObject[];
}

export declare class MemoryProvider implements Provider {
  constructor();
  connect(willCommit: boolean): Connection;
}

/// The SQLite provider (better-sqlite3) over the Rust host's file format.
export declare function openSqlite(path: string): Promise<Provider & { close(): void }>;

export declare const MAX_STOCK_QUANTITY: number;
export declare function formatTime(ms: number | bigint): string;
export declare function parseTime(field: string, input: string): number;
