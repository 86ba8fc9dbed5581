//! Reading and writing records through the store port. Every change to a
//! backorder goes through `save_backorder`, which keeps its secondary
//! indexes and the running totals in step with it in the same call.

use super::error::{DomainError, DomainResult, StorageError};
use super::ids::{AllocationId, BackorderId};
use super::keys;
use super::limits::SCAN_CHUNK;
use super::model::{Allocation, AllocationStatus, Backorder, Event, EventKind, HistoryAction, HistoryEntry, Timestamp, Totals};
use super::buffer::Buffer;
use super::ports::{InventoryFailure, Ports, StoreFailure};
use super::record::BackorderRecord;
use super::time;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

impl From<StoreFailure> for DomainError {
    fn from(failure: StoreFailure) -> Self {
        DomainError::Storage(StorageError::Failed(failure.0))
    }
}

/// Inventory refusals that the operation did not turn into a case of its own.
impl From<InventoryFailure> for DomainError {
    fn from(failure: InventoryFailure) -> Self {
        match failure {
            InventoryFailure::InsufficientStock(available) => DomainError::InsufficientStock(available),
            InventoryFailure::UnknownReservation(id) => {
                DomainError::corrupt(format!("inventory does not know reservation {id}"))
            }
            InventoryFailure::ExceedsReservation(held) => {
                DomainError::corrupt(format!("reservation holds only {held} units"))
            }
            InventoryFailure::Unavailable(message) => DomainError::Storage(StorageError::Failed(message)),
        }
    }
}

pub use super::stored::{decode, encode};
use super::stored::{self, Versioned, MARKER};

pub fn get<T: Versioned>(store: &mut Buffer, what: &str, key: &[u8]) -> DomainResult<Option<T>> {
    store.get(key)?.map(|bytes| decode(what, &bytes)).transpose()
}

/// Every entry of a range, read in chunks, at most `max` of them.
pub fn scan_all(store: &mut Buffer, range: (Vec<u8>, Vec<u8>), max: u32) -> DomainResult<Vec<(Vec<u8>, Vec<u8>)>> {
    let (mut start, end) = range;
    let mut out = Vec::new();
    while (out.len() as u32) < max {
        let chunk = store.scan(&start, &end, SCAN_CHUNK.min(max - out.len() as u32))?;
        let done = (chunk.len() as u32) < SCAN_CHUNK.min(max - out.len() as u32);
        if let Some((last, _)) = chunk.last() {
            start = last.clone();
            start.push(0);
        }
        out.extend(chunk);
        if done {
            break;
        }
    }
    Ok(out)
}

/// Visits the entries from `start` to `end` in key order, reading `chunk`
/// at a time, until `visit` breaks (its value is returned) or the range
/// ends (`None`). Only the entries visited are read, so a walk that stops
/// early costs what it visited, not the range.
pub fn walk<B>(
    ports: &mut Ports,
    mut start: Vec<u8>,
    end: &[u8],
    chunk: u32,
    mut visit: impl FnMut(&mut Ports, Vec<u8>, Vec<u8>) -> DomainResult<ControlFlow<B>>,
) -> DomainResult<Option<B>> {
    loop {
        let entries = ports.store.scan(&start, end, chunk)?;
        let exhausted = (entries.len() as u32) < chunk;
        for (key, value) in entries {
            start = key.clone();
            start.push(0);
            if let ControlFlow::Break(out) = visit(ports, key, value)? {
                return Ok(Some(out));
            }
        }
        if exhausted {
            return Ok(None);
        }
    }
}

/// Takes the next number of the store's sequence `sequence`. A store
/// written before numbers came from the store kept the last one under the
/// counter key `legacy`: the number taken is past it, and the key goes
/// (read in the same `get-many` as the call's other reads where it can).
pub fn next_number(store: &mut Buffer, sequence: &str, legacy: &[u8]) -> DomainResult<u64> {
    let after: u64 = get(store, "sequence counter", legacy)?.unwrap_or(0);
    if after != 0 {
        store.delete(legacy);
    }
    Ok(store.next_number(sequence, after)?)
}

pub fn load_backorder(store: &mut Buffer, id: BackorderId) -> DomainResult<BackorderRecord> {
    let record: BackorderRecord = get(store, "backorder", &keys::backorder(id))?.ok_or_else(|| DomainError::NotFound(id.to_string()))?;
    store.touch(&record.sku);
    Ok(record)
}

pub fn load_allocation(store: &mut Buffer, id: AllocationId) -> DomainResult<Allocation> {
    let allocation: Allocation = get(store, "allocation", &keys::allocation(id))?.ok_or_else(|| DomainError::NotFound(id.to_string()))?;
    store.touch(&allocation.sku);
    Ok(allocation)
}

/// Writes an allocation and keeps its expiry and claim index entries in
/// step with the change from `old` (none for a new one).
pub fn save_allocation(store: &mut Buffer, old: Option<&Allocation>, new: &Allocation) -> DomainResult<()> {
    let id = AllocationId::parse("allocation_id", &new.allocation_id)?;
    store.touch(&new.sku);
    store.set(&keys::allocation(id), &encode(new));
    let old_keys = old.map(allocation_index_entries).transpose()?.unwrap_or_default();
    let new_keys = allocation_index_entries(new)?;
    for key in old_keys.difference(&new_keys) {
        store.delete(key);
    }
    for key in new_keys.difference(&old_keys) {
        store.set(key, &MARKER);
    }
    Ok(())
}

/// The backorder's allocations, oldest first.
pub fn allocations_of(store: &mut Buffer, bo: BackorderId) -> DomainResult<Vec<Allocation>> {
    let entries = scan_all(store, keys::backorder_allocations(bo), u32::MAX)?;
    let ids: Vec<Vec<u8>> = entries
        .iter()
        .map(|(key, _)| {
            let al = key.rsplit(|b| *b == keys::SEP).next().unwrap_or_default();
            keys::join(&[b"A", al])
        })
        .collect();
    let values = store.get_many(&ids)?;
    values
        .into_iter()
        .map(|v| v.ok_or_else(|| DomainError::corrupt("allocation index points at nothing")))
        .map(|v| v.and_then(|bytes| decode("allocation", &bytes)))
        .collect()
}

/// The index entries a backorder has in its current state, with their values.
///
/// | index | parts | holds | value |
/// | --- | --- | --- | --- |
/// | `need` | sku, rank | open backorders lacking allocation, in allocation order | `NeedValue` |
/// | `need-age` | sku | the same, oldest first (FIFO) | `NeedValue` |
/// | `sku` | sku | every backorder of a SKU | |
/// | `open` | | every open backorder | |
/// | `sku-open` | sku | open backorders of a SKU | |
/// | `status` | status | every backorder by status | |
/// | `priority` | priority | every backorder by priority | |
/// | `customer` / `order` | id | every backorder of a customer / order | |
/// | `expected` | time | every backorder with an expected date | |
/// | `due` | time | open backorders by due date (promised, else expected) | |
/// | `sku-due` / `sku-expected` / `sku-promised` | sku, time | the same per SKU, open only | |
///
/// The allocation order (`rank`): priority, promised date (none last),
/// created_at, backorder number.
pub fn index_entries(r: &BackorderRecord) -> BTreeMap<Vec<u8>, Vec<u8>> {
    // The backorder's key part, formatted once for all its entries.
    let bo = r.id().key();
    let bo = bo.as_bytes();
    let sku = r.sku.as_bytes();
    let status = r.status();
    let mut out = BTreeMap::new();
    let mut put = |key: Vec<u8>, value: Vec<u8>| {
        out.insert(key, value);
    };
    put(keys::index_of("sku", &[sku], bo), stored::marker());
    put(keys::index_of("status", &[status.name().as_bytes()], bo), stored::marker());
    put(keys::index_of("priority", &[r.priority.name().as_bytes()], bo), stored::marker());
    put(keys::index_of("customer", &[r.customer_id.as_bytes()], bo), stored::marker());
    put(keys::index_of("order", &[r.order_id.as_bytes()], bo), stored::marker());
    if let Some(expected) = r.expected_date {
        put(keys::index_of("expected", &[keys::time_part(expected.key()).as_bytes()], bo), stored::marker());
    }
    if status.is_open() {
        put(keys::index_of("open", &[], bo), stored::marker());
        put(keys::index_of("sku-open", &[sku], bo), stored::marker());
        if r.need() > 0 {
            let value = NeedValue { need: r.need(), location: r.location.clone() }.encode();
            put(keys::index_of("need", &[sku, rank(r).as_bytes()], bo), value.clone());
            put(keys::index_of("need-age", &[sku], bo), value);
        }
        if let Some(due) = r.due_key() {
            put(keys::index_of("due", &[keys::time_part(due).as_bytes()], bo), stored::marker());
            put(keys::index_of("sku-due", &[sku, keys::time_part(due).as_bytes()], bo), stored::marker());
        }
        if let Some(expected) = r.expected_date {
            put(keys::index_of("sku-expected", &[sku, keys::time_part(expected.key()).as_bytes()], bo), stored::marker());
        }
        if let Some(promised) = r.promised_date {
            put(keys::index_of("sku-promised", &[sku, keys::time_part(promised.key()).as_bytes()], bo), stored::marker());
        }
    }
    out
}

/// What a `need` index entry carries, so an allocation walk can size and
/// place a backorder's share without reading it: units lacking and location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedValue {
    pub need: u64,
    pub location: Option<String>,
}

impl NeedValue {
    /// Version 1: the units as decimal text, then the separator and the
    /// location when there is one.
    pub fn encode(&self) -> Vec<u8> {
        let mut value = vec![stored::V1];
        value.extend_from_slice(self.need.to_string().as_bytes());
        if let Some(location) = &self.location {
            value.push(keys::SEP);
            value.extend_from_slice(location.as_bytes());
        }
        value
    }

    pub fn decode(value: &[u8]) -> DomainResult<Self> {
        let (_, body) = stored::open("need index value", value, stored::V1)?;
        let mut parts = body.splitn(2, |b| *b == keys::SEP);
        let need = parts
            .next()
            .and_then(|p| std::str::from_utf8(p).ok())
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| DomainError::corrupt("need index value"))?;
        let location = parts
            .next()
            .map(|p| String::from_utf8(p.to_vec()).map_err(|_| DomainError::corrupt("need index location")))
            .transpose()?;
        Ok(NeedValue { need, location })
    }
}

/// The index entries an allocation has: `expiry` (time) for reserved or
/// claimed ones with an expiry, `claim` (sku, kind, reference) for live claims on supply
/// not yet received.
pub fn allocation_index_entries(a: &Allocation) -> DomainResult<BTreeSet<Vec<u8>>> {
    let id = AllocationId::parse("allocation_id", &a.allocation_id)?;
    let mut out = BTreeSet::new();
    if let (AllocationStatus::Reserved | AllocationStatus::Claimed, Some(expires_at)) = (a.status, a.expires_at) {
        out.insert(keys::allocation_index("expiry", &[keys::time_part(expires_at).as_bytes()], id));
    }
    if a.held() > 0 && a.reservation_id.is_none() {
        let reference = a.source_ref.as_deref().unwrap_or("");
        out.insert(keys::allocation_index("claim", &[a.sku.as_bytes(), a.source.name().as_bytes(), reference.as_bytes()], id));
    }
    Ok(out)
}

/// The allocation-order key: priority rank, promised date (none after any
/// date), created_at. The backorder number follows as the index key's last part.
pub fn rank(r: &BackorderRecord) -> String {
    let promised = r.promised_date.map_or_else(|| "~".repeat(16), |p| keys::time_part(p.key()));
    format!("{}{}{}", r.priority.rank(), promised, keys::time_part(r.created_at))
}

/// Writes a backorder and brings its indexes and the totals in step with
/// the change from `old` (none for a new one).
pub fn save_backorder(ports: &mut Ports, old: Option<&BackorderRecord>, new: &BackorderRecord) -> DomainResult<()> {
    let mut counts = Counts::default();
    save_backorder_counted(ports, old, new, &mut counts)?;
    counts.write(&mut ports.store)
}

/// `save_backorder` for an operation that saves many backorders: the
/// change to the running totals and due-day counters goes into `counts`,
/// which the operation writes once, at its end, with `Counts::write`.
pub fn save_backorder_counted(
    ports: &mut Ports,
    old: Option<&BackorderRecord>,
    new: &BackorderRecord,
    counts: &mut Counts,
) -> DomainResult<()> {
    let store = &mut ports.store;
    store.touch(&new.sku);
    store.set(&keys::backorder(new.id()), &encode(new));

    let old_entries = old.map(index_entries).unwrap_or_default();
    let new_entries = index_entries(new);
    for key in old_entries.keys().filter(|k| !new_entries.contains_key(*k)) {
        store.delete(key);
    }
    for (key, value) in &new_entries {
        if old_entries.get(key) != Some(value) {
            store.set(key, value);
        }
    }
    counts.note(old, new);
    if let Some(old) = old {
        date_events(ports, old, new)?;
    }
    Ok(())
}

/// The events a change of dates makes, after the change's own: the
/// expected date changed, and `at_risk` (promised day before expected day)
/// set or cleared. Said here, where every save compares old and new, so no
/// operation that moves a date can forget them.
fn date_events(ports: &mut Ports, old: &BackorderRecord, new: &BackorderRecord) -> DomainResult<()> {
    if (old.expected_date, old.promised_date) == (new.expected_date, new.promised_date) {
        return Ok(());
    }
    if old.expected_date != new.expected_date {
        emit(ports, new, EventKind::BackorderExpectedDateChanged, None, None)?;
    }
    let was = ports.at_risk(old.promised_date, old.expected_date)?;
    let is = ports.at_risk(new.promised_date, new.expected_date)?;
    if was != is {
        let kind = if is { EventKind::BackorderAtRiskSet } else { EventKind::BackorderAtRiskCleared };
        emit(ports, new, kind, None, None)?;
    }
    Ok(())
}

/// A backorder as returned, at risk or not in the database's time zone.
pub fn backorder(ports: &mut Ports, r: &BackorderRecord) -> DomainResult<Backorder> {
    let at_risk = ports.at_risk(r.promised_date, r.expected_date)?;
    Ok(r.to_backorder(at_risk))
}

/// Buffers one event about `r` in its state after the change, the whole
/// backorder with it.
fn emit(ports: &mut Ports, r: &BackorderRecord, kind: EventKind, allocation_id: Option<String>, quantity: Option<u64>) -> DomainResult<()> {
    let backorder = backorder(ports, r)?;
    ports.events.emit(Event {
        kind,
        at: ports.now,
        backorder_id: backorder.backorder_id.clone(),
        sku: backorder.sku.clone(),
        allocation_id,
        quantity,
        status: backorder.status,
        backorder,
    });
    Ok(())
}

/// The running-total and due-day counter keys a save of an open backorder
/// of `sku` falling due at `due` touches, for reading them ahead.
pub fn counter_keys(sku: &str, due: Option<Timestamp>) -> Vec<Vec<u8>> {
    let mut out = vec![keys::totals(), keys::total_stripe(sku), keys::sku_totals(sku)];
    if let Some(day) = due.map(time::day) {
        out.push(keys::due_stripe(day, sku));
        out.push(keys::sku_due_bucket(sku, day));
    }
    out
}

/// Changes to the shared running totals and due-day counters that an
/// operation's saves made, held so that an operation saving many
/// backorders (an allocation run) reads and writes each counter once
/// instead of once per backorder. Nothing reads these counters between a
/// save and the operation's end.
#[derive(Debug, Default)]
pub struct Counts {
    /// Per totals key: the contributions the saves added and removed.
    totals: BTreeMap<Vec<u8>, (Totals, Totals)>,
    /// Per due-day counter key: the net change.
    due: BTreeMap<Vec<u8>, i64>,
}

impl Counts {
    fn note(&mut self, old: Option<&BackorderRecord>, new: &BackorderRecord) {
        let old_totals = old.map(BackorderRecord::contribution).unwrap_or_default();
        let new_totals = new.contribution();
        if old_totals != new_totals {
            for key in [keys::total_stripe(&new.sku), keys::sku_totals(&new.sku)] {
                let (added, removed) = self.totals.entry(key).or_default();
                added.add(&new_totals);
                removed.add(&old_totals);
            }
        }
        let old_due = old.filter(|r| r.is_open()).and_then(|r| r.due_key()).map(time::day);
        let new_due = Some(new).filter(|r| r.is_open()).and_then(|r| r.due_key()).map(time::day);
        if old_due != new_due {
            for (day, delta) in [(old_due, -1), (new_due, 1)] {
                if let Some(day) = day {
                    for key in [keys::due_stripe(day, &new.sku), keys::sku_due_bucket(&new.sku, day)] {
                        *self.due.entry(key).or_default() += delta;
                    }
                }
            }
        }
    }

    /// Adds what `other` noted to what this noted.
    pub fn merge(&mut self, other: Counts) {
        for (key, (added, removed)) in other.totals {
            let (all_added, all_removed) = self.totals.entry(key).or_default();
            all_added.add(&added);
            all_removed.add(&removed);
        }
        for (key, delta) in other.due {
            *self.due.entry(key).or_default() += delta;
        }
    }

    /// Applies what was noted: each counter read (all in one `get-many`)
    /// and written once; one that comes to zero is deleted.
    pub fn write(self, store: &mut Buffer) -> DomainResult<()> {
        if self.totals.is_empty() && self.due.is_empty() {
            return Ok(());
        }
        let reads: Vec<Vec<u8>> = self.totals.keys().chain(self.due.keys()).cloned().chain([keys::totals()]).collect();
        store.prefetch(&reads)?;
        stripe_overall_counters(store)?;
        rewrite(store, "totals", self.totals.iter(), |totals: &mut Totals, (added, removed)| {
            apply_delta(totals, removed, added)
        })?;
        let due = self.due.iter().filter(|(_, delta)| **delta != 0);
        rewrite(store, "counter", due, |count: &mut u64, delta| {
            *count = count
                .checked_add_signed(*delta)
                .ok_or_else(|| DomainError::corrupt("due-day counter went negative"))?;
            Ok(())
        })
    }
}

/// Moves an older store's unstriped overall totals (`G`) and due-day
/// counters (`GD` day) into stripes, rebuilt from the per-SKU counters
/// (which sum to them, as `check` proves), in the first write that
/// changes a counter. Reads one key when there is nothing to move. Once:
/// O(SKUs + SKU due days).
fn stripe_overall_counters(store: &mut Buffer) -> DomainResult<()> {
    if store.get(&keys::totals())?.is_none() {
        return Ok(());
    }
    let mut totals: BTreeMap<Vec<u8>, Totals> = BTreeMap::new();
    for (key, value) in scan_all(store, keys::all_sku_totals(), u32::MAX)? {
        let sku = keys::parts(&key).next().and_then(|sku| std::str::from_utf8(sku).ok()).ok_or_else(|| DomainError::corrupt("SKU totals key"))?;
        totals.entry(keys::total_stripe(sku)).or_default().add(&decode::<Totals>("totals", &value)?);
    }
    let mut due: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
    for (key, value) in scan_all(store, keys::all_sku_due_buckets(), u32::MAX)? {
        let mut parts = keys::parts(&key);
        let sku = parts.next().and_then(|sku| std::str::from_utf8(sku).ok());
        let day = parts.next().and_then(keys::time_from_part);
        let (Some(sku), Some(day)) = (sku, day) else { return Err(DomainError::corrupt("SKU due-day key")) };
        *due.entry(keys::due_stripe(day, sku)).or_default() += decode::<u64>("due-day counter", &value)?;
    }
    store.delete(&keys::totals());
    for (key, _) in scan_all(store, keys::due_buckets(), u32::MAX)? {
        store.delete(&key);
    }
    for (key, value) in totals {
        store.set(&key, &encode(&value));
    }
    for (key, value) in due {
        store.set(&key, &encode(&value));
    }
    Ok(())
}

/// Reads the counters under `changes`' keys in one call, applies each
/// change, and writes each back, deleting one that comes to its zero value
/// so empty counters cost nothing to scan.
fn rewrite<'a, T, C: 'a>(
    store: &mut Buffer,
    what: &str,
    changes: impl Iterator<Item = (&'a Vec<u8>, &'a C)>,
    apply: impl Fn(&mut T, &C) -> DomainResult<()>,
) -> DomainResult<()>
where
    T: Default + PartialEq + Versioned,
{
    let changes: Vec<(&Vec<u8>, &C)> = changes.collect();
    if changes.is_empty() {
        return Ok(());
    }
    let keys: Vec<Vec<u8>> = changes.iter().map(|(key, _)| (*key).clone()).collect();
    let stored = store.get_many(&keys)?;
    for ((key, change), value) in changes.into_iter().zip(stored) {
        let mut counter: T = value.map(|bytes| decode(what, &bytes)).transpose()?.unwrap_or_default();
        apply(&mut counter, change)?;
        if counter == T::default() {
            store.delete(key);
        } else {
            store.set(key, &encode(&counter));
        }
    }
    Ok(())
}

fn apply_delta(totals: &mut Totals, old: &Totals, new: &Totals) -> DomainResult<()> {
    fn step(value: &mut u64, old: u64, new: u64) -> DomainResult<()> {
        *value = (*value + new).checked_sub(old).ok_or_else(|| DomainError::corrupt("totals went negative"))?;
        Ok(())
    }
    step(&mut totals.open_backorders, old.open_backorders, new.open_backorders)?;
    step(&mut totals.units_remaining, old.units_remaining, new.units_remaining)?;
    step(&mut totals.units_allocated, old.units_allocated, new.units_allocated)?;
    for i in 0..4 {
        step(&mut totals.by_status[i], old.by_status[i], new.by_status[i])?;
        step(&mut totals.by_priority[i], old.by_priority[i], new.by_priority[i])?;
    }
    Ok(())
}

/// Records a history line for `r` (in its state after the change) and the
/// matching event. The caller saves `r` afterwards: the line count lives in it.
pub fn record_change(ports: &mut Ports, r: &mut BackorderRecord, change: Change) -> DomainResult<()> {
    r.history_count += 1;
    let status = r.status();
    let entry = HistoryEntry {
        at: ports.now,
        action: change.action,
        status,
        quantity: change.quantity,
        allocation_id: change.allocation_id.clone(),
        priority_override: change.priority_override,
        detail: change.detail,
    };
    ports.store.set(&keys::history(r.id(), r.history_count), &encode(&entry));
    emit(ports, r, change.event, change.allocation_id, change.quantity)
}

/// One change to a backorder, as its history and the outbox tell it.
pub struct Change {
    pub action: HistoryAction,
    pub event: EventKind,
    pub quantity: Option<u64>,
    pub allocation_id: Option<String>,
    pub priority_override: bool,
    pub detail: String,
}

impl Change {
    pub fn new(action: HistoryAction, event: EventKind, detail: impl Into<String>) -> Self {
        Change { action, event, quantity: None, allocation_id: None, priority_override: false, detail: detail.into() }
    }

    pub fn quantity(mut self, quantity: u64) -> Self {
        self.quantity = Some(quantity);
        self
    }

    pub fn allocation(mut self, allocation_id: &str) -> Self {
        self.allocation_id = Some(allocation_id.to_string());
        self
    }

    pub fn overriding(mut self, priority_override: bool) -> Self {
        self.priority_override = priority_override;
        self
    }
}
