// What a provider may throw to refuse an inventory operation in the WIT's
// terms (`inventory-error`); anything else it throws is `unavailable`.

export class InventoryError extends Error {
  constructor(tag, val, message) {
    super(message);
    this.name = 'InventoryError';
    /// The WIT `inventory-error` as jco lowers it.
    this.payload = { tag, val };
  }

  /// Fewer units are available than were asked for.
  static insufficientStock(available) {
    return new InventoryError('insufficient-stock', BigInt(available), `insufficient stock: ${available} available`);
  }

  /// No reservation has this id (or it already ended).
  static unknownReservation(id) {
    return new InventoryError('unknown-reservation', id, `unknown reservation ${id}`);
  }

  /// More units than the reservation holds.
  static exceedsReservation(held) {
    return new InventoryError('exceeds-reservation', BigInt(held), `the reservation holds only ${held}`);
  }
}
