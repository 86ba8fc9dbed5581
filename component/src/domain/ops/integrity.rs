//! The integrity check: everything derived (indexes, running totals, due-day
//! counts, held units, reservations) is recomputed from the records and
//! compared with what is stored. It reads the whole store, in chunks, and
//! keeps only per-SKU figures in memory.

use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::keys;
use super::super::limits::{MAX_PROBLEMS, SCAN_CHUNK};
use super::super::model::{Allocation, AllocationStatus, IntegrityProblem, IntegrityReport, ProblemKind, Totals};
use super::super::ports::Ports;
use super::super::record::BackorderRecord;
use super::super::repo;
use super::super::stored::Versioned;
use super::super::time;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

pub fn check_integrity(ports: &mut Ports) -> DomainResult<IntegrityReport> {
    let mut check = Check {
        unstriped: ports.store.get(&keys::totals())?.is_some(),
        ..Check::default()
    };
    check.backorders(ports)?;
    check.stale_backorder_indexes(ports)?;
    check.totals(ports)?;
    check.allocations(ports)?;
    check.stale_allocation_indexes(ports)?;
    Ok(check.report)
}

#[derive(Default)]
struct Check {
    report: IntegrityReport,
    /// Totals computed from the records, by their store key.
    totals: BTreeMap<Vec<u8>, Totals>,
    /// Due-day counts computed from the records, by their store key.
    due: BTreeMap<Vec<u8>, u64>,
    /// An older store whose overall counters are not striped yet (see
    /// `repo::Counts::write`): they are checked where it keeps them.
    unstriped: bool,
}

impl Check {
    fn problem(&mut self, kind: ProblemKind, subject: impl Into<String>, detail: impl Into<String>) {
        if self.report.problems.len() < MAX_PROBLEMS {
            self.report.problems.push(IntegrityProblem { kind, subject: subject.into(), detail: detail.into() });
        }
    }

    /// Every entry of a range, chunk by chunk. What each chunk's visits
    /// read is forgotten after it, so the check's memory stays a chunk's
    /// reads however big the store (it needed over 64 MiB at 100,000
    /// backorders while the call kept them).
    fn each(
        &mut self,
        ports: &mut Ports,
        (start, end): (Vec<u8>, Vec<u8>),
        mut visit: impl FnMut(&mut Self, &mut Ports, Vec<u8>, Vec<u8>) -> DomainResult<()>,
    ) -> DomainResult<()> {
        let mut visited = 0u32;
        repo::walk(ports, start, &end, SCAN_CHUNK, |ports, key, value| {
            visited += 1;
            if visited % SCAN_CHUNK == 0 {
                ports.store.forget_reads();
            }
            visit(self, ports, key, value).map(ControlFlow::<()>::Continue)
        })?;
        Ok(())
    }

    fn backorders(&mut self, ports: &mut Ports) -> DomainResult<()> {
        self.each(ports, keys::backorders_range(), |check, ports, key, value| {
            let Ok(r) = repo::decode::<BackorderRecord>("backorder", &value) else {
                check.problem(ProblemKind::Unreadable, String::from_utf8_lossy(&key), "backorder record");
                return Ok(());
            };
            check.report.backorders_checked += 1;
            check.backorder(ports, &r)
        })
    }

    fn backorder(&mut self, ports: &mut Ports, r: &BackorderRecord) -> DomainResult<()> {
        let id = r.id().to_string();
        if r.quantity_fulfilled + r.quantity_cancelled > r.quantity_ordered {
            self.problem(ProblemKind::InvariantBroken, &id, "fulfilled + cancelled exceed ordered");
            return Ok(());
        }
        if r.quantity_allocated > r.remaining() {
            self.problem(ProblemKind::InvariantBroken, &id, format!("allocated {} > remaining {}", r.quantity_allocated, r.remaining()));
        }
        if r.quantity_confirmed > r.quantity_allocated {
            self.problem(ProblemKind::InvariantBroken, &id, "confirmed exceeds allocated");
        }
        if r.remaining() == 0 && r.closed_by.is_none() {
            self.problem(ProblemKind::InvariantBroken, &id, "closed without a closing operation");
        }
        let allocations = repo::allocations_of(&mut ports.store, r.id())?;
        let held: u64 = allocations.iter().map(Allocation::held).sum();
        let confirmed: u64 = allocations.iter().filter(|a| a.status == AllocationStatus::Confirmed).map(Allocation::held).sum();
        if held != r.quantity_allocated || confirmed != r.quantity_confirmed {
            self.problem(
                ProblemKind::InvariantBroken,
                &id,
                format!(
                    "allocations hold {held} ({confirmed} confirmed); the record says {} ({})",
                    r.quantity_allocated, r.quantity_confirmed
                ),
            );
        }

        let entries = repo::index_entries(r);
        let keys: Vec<Vec<u8>> = entries.keys().cloned().collect();
        let stored = ports.store.get_many(&keys)?;
        for ((key, value), found) in entries.iter().zip(stored) {
            self.report.index_entries_checked += 1;
            if found.as_ref() != Some(value) {
                self.problem(ProblemKind::MissingIndexEntry, &id, describe_key(key));
            }
        }

        let contribution = r.contribution();
        if !contribution.is_zero() {
            let overall = if self.unstriped { keys::totals() } else { keys::total_stripe(&r.sku) };
            for key in [overall, keys::sku_totals(&r.sku)] {
                self.totals.entry(key).or_default().add(&contribution);
            }
            if let Some(due) = r.due_key() {
                let day = time::day(due);
                let overall = if self.unstriped { keys::due_bucket(day) } else { keys::due_stripe(day, &r.sku) };
                *self.due.entry(overall).or_default() += 1;
                *self.due.entry(keys::sku_due_bucket(&r.sku, time::day(due))).or_default() += 1;
            }
        }
        Ok(())
    }

    /// Index entries that no backorder calls for. When the records' pass
    /// found nothing wrong, every entry they call for is stored with its
    /// value, so if the stored entries are as many, there is no other: a
    /// count settles it without reading a record per entry. Otherwise each
    /// entry is checked against its backorder, to name the stale ones.
    fn stale_backorder_indexes(&mut self, ports: &mut Ports) -> DomainResult<()> {
        if self.report.problems.is_empty() {
            let mut stored = 0u64;
            self.each(ports, keys::prefix_range(&[b"I"]), |_, _, key, _| {
                stored += u64::from(!is_allocation_index(&key));
                Ok(())
            })?;
            if stored == self.report.index_entries_checked {
                return Ok(());
            }
        }
        self.each(ports, keys::prefix_range(&[b"I"]), |check, ports, key, value| {
            if is_allocation_index(&key) {
                return Ok(());
            }
            let called_for = match keys::backorder_of_index(&key).map(BackorderId::from_key) {
                Some(Ok(id)) => match repo::get::<BackorderRecord>(&mut ports.store, "backorder", &keys::backorder(id)) {
                    Ok(Some(r)) => repo::index_entries(&r).get(&key) == Some(&value),
                    Ok(None) | Err(_) => false,
                },
                _ => false,
            };
            if !called_for {
                check.problem(ProblemKind::StaleIndexEntry, describe_key(&key), "no backorder calls for this entry");
            }
            Ok(())
        })
    }

    /// Stored totals and due-day counts against the computed ones, both ways.
    fn totals(&mut self, ports: &mut Ports) -> DomainResult<()> {
        let mut entries = repo::scan_all(&mut ports.store, keys::all_sku_totals(), u32::MAX)?;
        entries.extend(repo::scan_all(&mut ports.store, keys::total_stripes(), u32::MAX)?);
        if let Some(overall) = ports.store.get(&keys::totals())? {
            entries.push((keys::totals(), overall));
        }
        let stored: BTreeMap<Vec<u8>, Totals> = self.readable(entries, "running totals");
        let computed = std::mem::take(&mut self.totals);
        self.compare(ProblemKind::TotalsMismatch, &stored, &computed, |key| describe_key(key), |have, want| {
            format!("stored {have:?}, records give {want:?}")
        });
        let mut entries = Vec::new();
        for range in [keys::due_buckets(), keys::due_stripes(), keys::all_sku_due_buckets()] {
            entries.extend(repo::scan_all(&mut ports.store, range, u32::MAX)?);
        }
        let stored: BTreeMap<Vec<u8>, u64> = self.readable(entries, "due-day counter");
        let computed = std::mem::take(&mut self.due);
        self.compare(ProblemKind::TotalsMismatch, &stored, &computed, |key| describe_key(key), |have, want| {
            format!("stored {have} due, records give {want}")
        });
        Ok(())
    }

    /// The stored values that decode, by key; each one that does not is a problem.
    fn readable<T: Versioned>(&mut self, entries: Vec<(Vec<u8>, Vec<u8>)>, what: &str) -> BTreeMap<Vec<u8>, T> {
        let mut out = BTreeMap::new();
        for (key, value) in entries {
            match repo::decode::<T>(what, &value) {
                Ok(decoded) => {
                    out.insert(key, decoded);
                }
                Err(_) => self.problem(ProblemKind::Unreadable, describe_key(&key), what),
            }
        }
        out
    }

    /// Each key, of either side, whose stored figure is not the one the
    /// records give (a figure missing on one side counts as zero).
    fn compare<K: Ord, T: Default + PartialEq>(
        &mut self,
        kind: ProblemKind,
        stored: &BTreeMap<K, T>,
        computed: &BTreeMap<K, T>,
        subject: impl Fn(&K) -> String,
        detail: impl Fn(&T, &T) -> String,
    ) {
        let zero = T::default();
        for key in stored.keys().chain(computed.keys()).collect::<BTreeSet<_>>() {
            let (have, want) = (stored.get(key).unwrap_or(&zero), computed.get(key).unwrap_or(&zero));
            if have != want {
                self.problem(kind, subject(key), detail(have, want));
            }
        }
    }

    /// Each allocation: linked from its backorder, indexed as its state
    /// calls for; units held by reservations match the inventory's.
    fn allocations(&mut self, ports: &mut Ports) -> DomainResult<()> {
        let mut reserved: BTreeMap<(String, Option<String>), u64> = BTreeMap::new();
        self.each(ports, keys::prefix_range(&[b"A"]), |check, ports, key, value| {
            let Ok(a) = repo::decode::<Allocation>("allocation", &value) else {
                check.problem(ProblemKind::Unreadable, describe_key(&key), "allocation record");
                return Ok(());
            };
            check.report.allocations_checked += 1;
            let links = (
                BackorderId::parse("backorder_id", &a.backorder_id),
                super::super::ids::AllocationId::parse("allocation_id", &a.allocation_id),
            );
            let (Ok(bo), Ok(al)) = links else {
                check.problem(ProblemKind::Unreadable, &a.allocation_id, "malformed ids");
                return Ok(());
            };
            if ports.store.get(&keys::backorder_allocation(bo, al))?.is_none() {
                check.problem(ProblemKind::MissingIndexEntry, &a.allocation_id, "not linked from its backorder");
            }
            for index_key in repo::allocation_index_entries(&a)? {
                check.report.index_entries_checked += 1;
                if ports.store.get(&index_key)?.is_none() {
                    check.problem(ProblemKind::MissingIndexEntry, &a.allocation_id, describe_key(&index_key));
                }
            }
            // Claimed means nothing is reserved yet; every other live status holds a reservation.
            if a.status.is_live() && (a.status == AllocationStatus::Claimed) != a.reservation_id.is_none() {
                check.problem(ProblemKind::InvariantBroken, &a.allocation_id, format!("{} {} a reservation", a.status.name(), if a.reservation_id.is_some() { "with" } else { "without" }));
            }
            if a.reservation_id.is_some() && a.held() > 0 {
                *reserved.entry((a.sku.clone(), a.location.clone())).or_default() += a.held();
            }
            Ok(())
        })?;
        let inventory = ports.inventory.reserved_totals().map_err(DomainError::from)?;
        let mut held_by_inventory: BTreeMap<(String, Option<String>), u64> = BTreeMap::new();
        for units in inventory {
            *held_by_inventory.entry((units.sku, units.location)).or_default() += units.quantity;
        }
        let subject = |(sku, location): &(String, Option<String>)| format!("{sku} at {}", location.as_deref().unwrap_or("default"));
        self.compare(ProblemKind::ReservationMismatch, &held_by_inventory, &reserved, subject, |inventory, allocations| {
            format!("live allocations hold {allocations}, inventory reservations hold {inventory}")
        });
        Ok(())
    }

    fn stale_allocation_indexes(&mut self, ports: &mut Ports) -> DomainResult<()> {
        for name in ["expiry", "claim"] {
            self.each(ports, keys::index_range(name, &[]), |check, ports, key, _| {
                let called_for = match keys::allocation_of_index(&key) {
                    Some(id) => match repo::get::<Allocation>(&mut ports.store, "allocation", &keys::allocation(id)) {
                        Ok(Some(a)) => repo::allocation_index_entries(&a)?.contains(&key),
                        Ok(None) | Err(_) => false,
                    },
                    None => false,
                };
                if !called_for {
                    check.problem(ProblemKind::StaleIndexEntry, describe_key(&key), "no allocation calls for this entry");
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}


/// A key as a person reads it: parts joined with `/`.
fn describe_key(key: &[u8]) -> String {
    key.split(|b| *b == keys::SEP).map(String::from_utf8_lossy).collect::<Vec<_>>().join("/")
}

/// An entry of an allocation's index (`expiry`, `claim`), which the
/// allocations' pass checks.
fn is_allocation_index(key: &[u8]) -> bool {
    let name = key.split(|b| *b == keys::SEP).nth(1).unwrap_or_default();
    name == b"expiry" || name == b"claim"
}
