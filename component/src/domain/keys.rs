//! The store's key layout. Every key is a tag and parts joined by a zero
//! byte; no part may hold a zero byte (references refuse control
//! characters), so a prefix ending in the separator names exactly one
//! index range.
//!
//! | key | value |
//! | --- | --- |
//! | `B` bo | backorder record |
//! | `A` al | allocation record |
//! | `BA` bo al | (allocations of a backorder, oldest first) |
//! | `F` bo seq / `H` bo seq | fulfilment / history entry |
//! | `Q` `bo` year / `Q` `al` | sequence counters of stores written before numbers came from `next-number` (read once, then deleted) |
//! | `GT` stripe / `G` sku | running totals over open backorders: the overall ones in `STRIPES` stripes by SKU, and per SKU |
//! | `GDT` day stripe / `GDS` sku day | open backorders falling due on that UTC day, overall (striped) and per SKU |
//! | `G` / `GD` day | the unstriped overall totals and due-day counters of older stores, until their first write (`repo::Counts`) |
//! | `E` sku kind ref | expected supply not yet received |
//! | `S` | the settings (time zone) |
//! | `R` id / `RT` time id | remembered request ids and their results |
//! | `I` name ... bo/al | secondary indexes, see `repo::index_entries` |
//!
//! `bo` is `BackorderId::key` (14 digits, creation order), `al` is
//! `AllocationId::key`, times are `time_part` (16 hex digits, time order).

use super::ids::{AllocationId, BackorderId};
use super::model::Timestamp;

pub const SEP: u8 = 0;

/// Joins parts with the separator.
pub fn join(parts: &[&[u8]]) -> Vec<u8> {
    let mut key = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            key.push(SEP);
        }
        key.extend_from_slice(part);
    }
    key
}

/// The range `[prefix, end)` of all keys that extend `parts` by one or more parts.
pub fn prefix_range(parts: &[&[u8]]) -> (Vec<u8>, Vec<u8>) {
    let mut start = join(parts);
    start.push(SEP);
    let mut end = start.clone();
    *end.last_mut().expect("non-empty") = SEP + 1;
    (start, end)
}

/// A time as a fixed-width part whose byte order is time order, negative
/// times included.
pub fn time_part(t: Timestamp) -> String {
    format!("{:016x}", (t as u64) ^ (1 << 63))
}

pub fn time_from_part(part: &[u8]) -> Option<Timestamp> {
    let text = std::str::from_utf8(part).ok()?;
    if text.len() != 16 {
        return None;
    }
    u64::from_str_radix(text, 16).ok().map(|v| (v ^ (1 << 63)) as i64)
}

pub fn day_part(day: i64) -> String {
    time_part(day)
}

pub fn backorder(id: BackorderId) -> Vec<u8> {
    join(&[b"B", id.key().as_bytes()])
}

pub fn backorders_range() -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"B"])
}

pub fn allocation(id: AllocationId) -> Vec<u8> {
    join(&[b"A", id.key().as_bytes()])
}

pub fn backorder_allocation(bo: BackorderId, al: AllocationId) -> Vec<u8> {
    join(&[b"BA", bo.key().as_bytes(), al.key().as_bytes()])
}

pub fn backorder_allocations(bo: BackorderId) -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"BA", bo.key().as_bytes()])
}

pub fn fulfillment(bo: BackorderId, sequence: u32) -> Vec<u8> {
    join(&[b"F", bo.key().as_bytes(), format!("{sequence:010}").as_bytes()])
}

pub fn fulfillments(bo: BackorderId) -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"F", bo.key().as_bytes()])
}

pub fn history(bo: BackorderId, sequence: u32) -> Vec<u8> {
    join(&[b"H", bo.key().as_bytes(), format!("{sequence:010}").as_bytes()])
}

pub fn histories(bo: BackorderId) -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"H", bo.key().as_bytes()])
}

/// The `next-number` sequence of backorder numbers in `year`.
pub fn backorder_sequence(year: u16) -> String {
    format!("bo-{year:04}")
}

/// The `next-number` sequence of allocation numbers.
pub const ALLOCATION_SEQUENCE: &str = "al";

/// Where an older store kept the last backorder number of `year`.
pub fn backorder_counter(year: u16) -> Vec<u8> {
    join(&[b"Q", b"bo", format!("{year:04}").as_bytes()])
}

/// Where an older store kept the last allocation number.
pub fn allocation_counter() -> Vec<u8> {
    join(&[b"Q", b"al"])
}

/// How many stripes the overall running totals and due-day counters are
/// split into. A write adds to the stripe of its SKU only, so writes on
/// different SKUs rarely share a key (two SKUs share a stripe with chance
/// 1 in `STRIPES`); a summary adds up at most `STRIPES` values (only the
/// stripes of SKUs with open backorders exist). Part of the stored format:
/// changing it is a layout change.
pub const STRIPES: u32 = 256;

/// The stripe of a SKU: FNV-1a (32 bits) of its bytes, modulo `STRIPES`,
/// as three digits. Part of the stored format, never to change.
pub fn stripe(sku: &str) -> String {
    let hash = sku.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    format!("{:03}", hash % STRIPES)
}

/// The database's settings: `S`.
pub fn settings() -> Vec<u8> {
    join(&[b"S"])
}

/// The unstriped overall totals of an older store.
pub fn totals() -> Vec<u8> {
    join(&[b"G"])
}

/// The stripe of the overall totals that `sku` adds to.
pub fn total_stripe(sku: &str) -> Vec<u8> {
    join(&[b"GT", stripe(sku).as_bytes()])
}

pub fn total_stripes() -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"GT"])
}

pub fn sku_totals(sku: &str) -> Vec<u8> {
    join(&[b"G", sku.as_bytes()])
}

/// The unstriped overall due-day buckets of an older store: `GD` day.
pub fn due_bucket(day: i64) -> Vec<u8> {
    join(&[b"GD", day_part(day).as_bytes()])
}

pub fn due_buckets() -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"GD"])
}

/// Overall due-day buckets, striped: `GDT` day stripe. Day before stripe,
/// so the buckets of the days before a day are one range.
pub fn due_stripe(day: i64, sku: &str) -> Vec<u8> {
    join(&[b"GDT", day_part(day).as_bytes(), stripe(sku).as_bytes()])
}

pub fn due_stripes() -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"GDT"])
}

/// Per-SKU due-day buckets: `GDS` sku day.
pub fn sku_due_bucket(sku: &str, day: i64) -> Vec<u8> {
    join(&[b"GDS", sku.as_bytes(), day_part(day).as_bytes()])
}

pub fn sku_due_buckets(sku: &str) -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"GDS", sku.as_bytes()])
}

/// Every SKU's due-day buckets.
pub fn all_sku_due_buckets() -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"GDS"])
}

/// Every SKU's running totals.
pub fn all_sku_totals() -> (Vec<u8>, Vec<u8>) {
    prefix_range(&[b"G"])
}

/// The parts of a key after its tag.
pub fn parts(key: &[u8]) -> impl Iterator<Item = &[u8]> {
    key.split(|b| *b == SEP).skip(1)
}

/// A backorder index key: `I` name parts... bo.
pub fn index(name: &str, parts: &[&[u8]], bo: BackorderId) -> Vec<u8> {
    index_of(name, parts, bo.key().as_bytes())
}

/// An allocation index key: `I` name parts... al.
pub fn allocation_index(name: &str, parts: &[&[u8]], al: AllocationId) -> Vec<u8> {
    index_of(name, parts, al.key().as_bytes())
}

/// An index key: `I` name parts... last (a backorder's or an allocation's key part).
pub fn index_of(name: &str, parts: &[&[u8]], last: &[u8]) -> Vec<u8> {
    let mut all: Vec<&[u8]> = vec![b"I", name.as_bytes()];
    all.extend_from_slice(parts);
    all.push(last);
    join(&all)
}

/// The range of an index's entries whose first part after `parts` is a
/// time before `before`.
pub fn index_before(name: &str, parts: &[&[u8]], before: Timestamp) -> (Vec<u8>, Vec<u8>) {
    let (start, _) = index_range(name, parts);
    let mut end = start.clone();
    end.extend_from_slice(time_part(before).as_bytes());
    (start, end)
}

/// A remembered request: `R` request id.
pub fn request(id: &str) -> Vec<u8> {
    join(&[b"R", id.as_bytes()])
}

/// Remembered requests by time: `RT` time request id.
pub fn request_time(at: Timestamp, id: &str) -> Vec<u8> {
    join(&[b"RT", time_part(at).as_bytes(), id.as_bytes()])
}

pub fn request_times_before(before: Timestamp) -> (Vec<u8>, Vec<u8>) {
    let (start, _) = prefix_range(&[b"RT"]);
    let mut end = start.clone();
    end.extend_from_slice(time_part(before).as_bytes());
    (start, end)
}

/// Expected supply: `E` sku kind reference.
pub fn expected_supply(sku: &str, kind: &str, reference: &str) -> Vec<u8> {
    join(&[b"E", sku.as_bytes(), kind.as_bytes(), reference.as_bytes()])
}

pub fn expected_supplies(sku: Option<&str>) -> (Vec<u8>, Vec<u8>) {
    match sku {
        Some(sku) => prefix_range(&[b"E", sku.as_bytes()]),
        None => prefix_range(&[b"E"]),
    }
}

/// The range of one index, narrowed by leading parts.
pub fn index_range(name: &str, parts: &[&[u8]]) -> (Vec<u8>, Vec<u8>) {
    let mut all: Vec<&[u8]> = vec![b"I", name.as_bytes()];
    all.extend_from_slice(parts);
    prefix_range(&all)
}

/// The backorder (or allocation) an index key points at: its last part.
pub fn backorder_of_index(key: &[u8]) -> Option<&[u8]> {
    key.rsplit(|b| *b == SEP).next()
}

pub fn allocation_of_index(key: &[u8]) -> Option<AllocationId> {
    let text = std::str::from_utf8(backorder_of_index(key)?).ok()?;
    text.parse().ok().map(AllocationId)
}

/// The part just before the backorder in an index key (a time, for the
/// time-ordered indexes).
pub fn part_before_backorder(key: &[u8]) -> Option<&[u8]> {
    key.rsplit(|b| *b == SEP).nth(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_parts_sort_like_times() {
        let times = [-5_000i64, -1, 0, 1, 86_400_000, 253_402_300_799_999];
        for pair in times.windows(2) {
            assert!(time_part(pair[0]) < time_part(pair[1]));
        }
        for t in times {
            assert_eq!(time_from_part(time_part(t).as_bytes()), Some(t));
        }
    }

    #[test]
    fn prefix_ranges_hold_exactly_their_keys() {
        let (start, end) = prefix_range(&[b"I", b"sku", b"A"]);
        let inside = join(&[b"I", b"sku", b"A", b"x"]);
        let other = join(&[b"I", b"sku", b"AB", b"x"]);
        assert!(start <= inside && inside < end);
        assert!(!(start <= other && other < end));
    }
}
