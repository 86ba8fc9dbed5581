// The in-memory provider: the reference for the provider contract (see
// the README, "Load it from Node.js", "Providers"). Keys compare as unsigned bytes,
// a proper prefix first; each call is one transaction, undone on rollback
// from an undo log; reservation ids are never reused.
import { InventoryError } from '../provider.js';
import { formatTime } from '../dates.js';

/// Bytes as a latin1 string: one code unit per byte, so strings compare
/// as the bytes do.
const keyOf = (bytes) => (bytes.length <= 256
  ? String.fromCharCode.apply(null, bytes)
  : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
const bytesOf = (key) => Buffer.from(key, 'latin1');
const placeOf = (sku, location) => `${sku}\u0000${location ?? ''}`;
const RESERVATION_PREFIX = 'RS-';

/// The first index in the sorted `keys` not below `key` (latin1 strings
/// compare by code unit, each one byte: byte order, shorter first).
function lowerBound(keys, key) {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle] < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

const BLOCK = 512;

/// Keys in order, as sorted blocks of at most 2 * BLOCK keys: an insert or
/// a delete moves at most one block's keys, not all of them.
class SortedKeys {
  blocks = [[]];

  /// The block that holds `key`, or would: the last one starting at or
  /// before it.
  #block(key) {
    const { blocks } = this;
    let low = 0;
    let high = blocks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (blocks[middle][0] <= key) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  insert(key) {
    const index = this.#block(key);
    const block = this.blocks[index];
    const at = lowerBound(block, key);
    if (block[at] === key) return;
    block.splice(at, 0, key);
    if (block.length > 2 * BLOCK) this.blocks.splice(index + 1, 0, block.splice(BLOCK));
  }

  delete(key) {
    const index = this.#block(key);
    const block = this.blocks[index];
    const at = lowerBound(block, key);
    if (block[at] !== key) return;
    block.splice(at, 1);
    if (block.length === 0 && this.blocks.length > 1) this.blocks.splice(index, 1);
  }

  /// The keys from `start` on, in order.
  *from(start) {
    const { blocks } = this;
    let index = this.#block(start);
    let at = lowerBound(blocks[index], start);
    for (; index < blocks.length; index += 1, at = 0) {
      const block = blocks[index];
      for (; at < block.length; at += 1) yield block[at];
    }
  }

  /// Every key, in order.
  all() {
    return this.blocks.flat();
  }
}

export class MemoryProvider {
  constructor() {
    this.values = new Map();
    this.keys = new SortedKeys();
    this.stock = new Map();
    this.reservationsById = new Map();
    this.nextReservation = 1;
    /// The last number each sequence gave.
    this.sequences = new Map();
    this.outbox = [];
    this.nextSeq = 1;
    this.connection = new MemoryConnection(this);
  }

  /// One connection: calls in Node run one at a time, so one transaction
  /// at a time is serializable by construction.
  connect() {
    return this.connection;
  }

  describe() {
    return 'memory';
  }
}

class MemoryConnection {
  #data;
  #undo = null;

  constructor(data) {
    this.#data = data;
  }

  begin() {
    if (this.#undo !== null) throw new Error('a transaction is already open');
    this.#undo = [];
  }

  commit() {
    this.#undo = null;
  }

  rollback() {
    const undo = this.#undo ?? [];
    for (let index = undo.length - 1; index >= 0; index -= 1) undo[index]();
    this.#undo = null;
  }

  #changed(undo) {
    if (this.#undo === null) throw new Error('no transaction is open');
    this.#undo.push(undo);
  }

  // The key-value space.

  get(key) {
    return this.#data.values.get(keyOf(key));
  }

  scan(start, end, limit) {
    const { keys, values } = this.#data;
    const last = keyOf(end);
    const entries = [];
    if (limit === 0) return entries;
    for (const key of keys.from(keyOf(start))) {
      if (key >= last) break;
      entries.push({ key: bytesOf(key), value: values.get(key) });
      if (entries.length === limit) break;
    }
    return entries;
  }

  nextNumber(sequence, after) {
    const { sequences } = this.#data;
    const before = sequences.get(sequence);
    this.#changed(() => (before === undefined ? sequences.delete(sequence) : sequences.set(sequence, before)));
    const number = Math.max(before ?? 0, after) + 1;
    sequences.set(sequence, number);
    return number;
  }

  writeBatch(writes) {
    for (const write of writes) {
      // jco hands over fresh copies of the component's bytes: kept as they are.
      if (write.tag === 'set') this.#put(keyOf(write.val.key), write.val.value);
      else this.#put(keyOf(write.val), undefined);
    }
  }

  #put(key, value) {
    const { values } = this.#data;
    const before = values.get(key);
    if (value === undefined && before === undefined) return;
    this.#changed(() => this.#store(key, before));
    this.#store(key, value);
  }

  #store(key, value) {
    const { keys, values } = this.#data;
    if (value === undefined) {
      keys.delete(key);
      values.delete(key);
    } else {
      if (!values.has(key)) keys.insert(key);
      values.set(key, value);
    }
  }

  // Stock and reservations.

  #row(sku, location) {
    return this.#data.stock.get(placeOf(sku, location));
  }

  #setRow(sku, location, onHand, reserved) {
    const place = placeOf(sku, location);
    const before = this.#data.stock.get(place);
    this.#changed(() => (before ? this.#data.stock.set(place, before) : this.#data.stock.delete(place)));
    this.#data.stock.set(place, { sku, location: location ?? undefined, onHand, reserved });
  }

  #reservation(id) {
    const reservation = this.#data.reservationsById.get(id);
    if (!reservation) throw InventoryError.unknownReservation(id);
    return reservation;
  }

  #setReservation(id, reservation) {
    const all = this.#data.reservationsById;
    const before = all.get(id);
    this.#changed(() => (before ? all.set(id, before) : all.delete(id)));
    if (reservation) all.set(id, reservation);
    else all.delete(id);
  }

  /// Takes `reserved` units off the reservation count and `shipped` off
  /// on-hand stock at the reservation's place.
  #lower(sku, location, reserved, shipped) {
    const row = this.#row(sku, location) ?? { onHand: 0, reserved: 0 };
    this.#setRow(sku, location, row.onHand - shipped, row.reserved - reserved);
  }

  available(sku, location) {
    const row = this.#row(sku, location);
    return row ? row.onHand - row.reserved : 0;
  }

  reserve({ sku, location, quantity, holder, expiresAt, createdAt }) {
    const available = this.available(sku, location);
    if (quantity > available) throw InventoryError.insufficientStock(available);
    const row = this.#row(sku, location);
    this.#setRow(sku, location, row.onHand, row.reserved + quantity);
    const number = this.#data.nextReservation;
    // Never reused, even when the call rolls back.
    this.#data.nextReservation += 1;
    const id = `${RESERVATION_PREFIX}${number}`;
    this.#setReservation(id, { id, number, sku, location: location ?? undefined, quantity, holder, expiresAt, createdAt });
    return id;
  }

  #shrink(reservation, quantity) {
    const left = reservation.quantity - quantity;
    this.#setReservation(reservation.id, left === 0 ? undefined : { ...reservation, quantity: left });
  }

  release(id, quantity) {
    const reservation = this.#reservation(id);
    const units = quantity ?? reservation.quantity;
    if (units > reservation.quantity) throw InventoryError.exceedsReservation(reservation.quantity);
    this.#lower(reservation.sku, reservation.location, units, 0);
    this.#shrink(reservation, units);
  }

  extend(id, expiresAt) {
    const reservation = this.#reservation(id);
    this.#setReservation(id, { ...reservation, expiresAt });
  }

  consume(id, quantity) {
    const reservation = this.#reservation(id);
    if (quantity > reservation.quantity) throw InventoryError.exceedsReservation(reservation.quantity);
    this.#lower(reservation.sku, reservation.location, quantity, quantity);
    this.#shrink(reservation, quantity);
  }

  issue(sku, location, quantity) {
    const available = this.available(sku, location);
    if (quantity > available) throw InventoryError.insufficientStock(available);
    this.#lower(sku, location, 0, quantity);
  }

  reservedTotals() {
    const totals = new Map();
    for (const reservation of this.#data.reservationsById.values()) {
      const place = placeOf(reservation.sku, reservation.location);
      const total = totals.get(place) ?? { sku: reservation.sku, location: reservation.location, quantity: 0 };
      total.quantity += reservation.quantity;
      totals.set(place, total);
    }
    return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, total]) => total);
  }

  reservations(sku, location) {
    return [...this.#data.reservationsById.values()]
      .filter((reservation) => reservation.sku === sku && (reservation.location ?? undefined) === (location ?? undefined))
      .sort((a, b) => a.number - b.number)
      .map(({ id, holder, quantity }) => ({ reservationId: id, holder, quantity }));
  }

  // Stock administration (the host's, never the component's).

  stockLevel(sku, location) {
    const row = this.#row(sku, location);
    return { sku, location: location ?? undefined, onHand: row?.onHand ?? 0, reserved: row?.reserved ?? 0 };
  }

  writeOnHand(level) {
    const row = this.#row(level.sku, level.location);
    this.#setRow(level.sku, level.location, level.onHand, row?.reserved ?? 0);
  }

  stockLevels(sku, limit) {
    return [...this.#data.stock.entries()]
      .filter(([, row]) => sku === undefined || row.sku === sku)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit)
      .map(([, row]) => ({ ...row }));
  }

  stockAudit() {
    const held = new Map(this.reservedTotals().map((total) => [placeOf(total.sku, total.location), total.quantity]));
    const audit = [];
    for (const [place, row] of this.#data.stock) {
      audit.push({ level: { ...row }, heldByReservations: held.get(place) ?? 0 });
      held.delete(place);
    }
    for (const total of this.reservedTotals().filter((t) => held.has(placeOf(t.sku, t.location)))) {
      audit.push({ level: { sku: total.sku, location: total.location, onHand: 0, reserved: 0 }, heldByReservations: total.quantity });
    }
    return audit;
  }

  // The outbox.

  append(event, recordedAt) {
    const seq = this.#data.nextSeq;
    this.#data.nextSeq += 1;
    this.#data.outbox.push({ seq, ...event, recorded_at: formatTime(recordedAt) });
    this.#changed(() => {
      this.#data.outbox.pop();
      this.#data.nextSeq = seq;
    });
  }

  recentEvents(limit) {
    return this.#data.outbox.slice(-limit).map((event) => ({ ...event }));
  }
}
