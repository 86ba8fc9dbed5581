//! Every limit the domain enforces, named once.

/// Longest id, reference or SKU, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Longest notes or reason, in characters.
pub const MAX_NOTES_CHARS: usize = 2000;
/// Largest quantity one request may carry; keeps every sum far from overflow.
pub const MAX_QUANTITY: u64 = 1_000_000_000;
/// Default and largest page of `list-backorders`.
pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 500;
/// Items in one `create-backorders` call.
pub const MAX_BULK_ITEMS: usize = 1000;
/// Index entries one `list-backorders` call examines at most before it
/// returns a short page with a cursor, so a selective filter cannot make one
/// call walk the whole store.
pub const MAX_LIST_SCAN: usize = 10_000;
/// Most keys or entries the component asks of the store in one `get-many`
/// or `scan`, and the host's default list limit.
pub const MAX_STORE_LIST: u32 = 10_000;
/// Most writes the component sends in one `write-batch`; a call that wrote
/// more sends several, in key order.
pub const MAX_WRITE_BATCH: usize = 10_000;
/// Entries read per store scan call.
pub const SCAN_CHUNK: u32 = 256;
/// History entries `get-backorder` returns at most (the oldest ones).
pub const MAX_HISTORY: u32 = 1000;
/// Earliest and latest accepted timestamp: 1970-01-01 and the end of 9999,
/// the range RFC 3339 can write.
pub const MIN_TIMESTAMP: i64 = 0;
pub const MAX_TIMESTAMP: i64 = 253_402_300_799_999;
/// Allocations one `expire-allocations` call expires at most; it says when more are due.
pub const MAX_EXPIRE: u32 = 1000;
/// Index entries an allocation run reads per store scan: small, because a
/// run stops as soon as the supply is used up.
pub const WALK_CHUNK: u32 = 32;
/// More urgent backorders lacking allocation at other locations that the
/// priority guard skips at most, looking for one the stock could serve;
/// past them it refuses, naming the most urgent, as if it were served there
/// (so the guard's cost stays bounded and it never lets a blocker through).
pub const MAX_GUARD_SKIPS: usize = 10_000;
/// Expected supplies listed or planned per SKU at most.
pub const MAX_EXPECTED_SUPPLIES: u32 = 1000;
/// How long a request id is remembered for idempotent writes.
pub const REQUEST_ID_RETENTION_MS: i64 = 7 * 86_400_000;
/// Request ids past retention that one write forgets at most; more than one
/// per write, so forgetting keeps pace with remembering.
pub const REQUEST_ID_PRUNE_PER_CALL: u32 = 8;
/// Problems `check-integrity` lists at most.
pub const MAX_PROBLEMS: usize = 1000;
/// Largest stock count, and largest adjustment either way: a quadrillion
/// units, as the reference host's stock commands allow.
pub const MAX_STOCK_COUNT: u64 = 1_000_000_000_000_000;
/// Most units on hand at one place after an adjustment: what every host
/// can store in a signed 64-bit integer.
pub const MAX_ON_HAND: u64 = i64::MAX as u64;
/// Need-index entries an allocation run reads at most, after it is done, to
/// count who still waits at its location; past them it says "at least".
pub const MAX_UNSERVED_SCAN: u32 = 1000;
/// Backorders still waiting that a run names, the next in line first.
pub const MAX_NEXT_IN_LINE: usize = 5;
