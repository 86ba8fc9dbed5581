// Property tests: random sequences of operations, valid and invalid, run
// against the real component in the real host and against a small model
// written here. After every step the backorders and the stock match the
// model and DOMAIN.md's invariants hold; after every sequence the
// integrity check finds nothing. Allocations may expire, and the clock
// steps across their instants: from it the backorders and summaries show
// the hold expired, and the first write after it (create excepted)
// finalises it, giving the reservation back. Stock counts find units
// missing, often below what is reserved: reservations are released least
// urgent first, and reserved never exceeds on hand. The database has a time
// zone other than UTC, and backorders are promised a day or an instant: the
// clock steps across day boundaries there, and overdue follows the day's
// end in that zone.

mod common;
use backorders_host::*;
use common::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Create { quantity: u64, priority: u8, promise: Option<Promise> },
    Stock { quantity: u64 },
    Allocate { backorder: usize, quantity: u64, expires_in: Option<i64> },
    Confirm { allocation: usize },
    Release { allocation: usize },
    Fulfill { backorder: usize, quantity: u64 },
    Cancel { backorder: usize, quantity: Option<u64> },
    Run,
    Tick { minutes: i64 },
    /// A stock count finding `lost` units missing: entered as the new count
    /// (`set`) or as an adjustment of `-lost`.
    Count { lost: u64, set: bool },
}

/// A promise: a day (days after T0's), or an instant (minutes after T0).
#[derive(Clone, Copy, Debug)]
enum Promise {
    Day(i32),
    At(i64),
}

/// The zones the database may be set to: west and east of UTC, one with
/// a half-hour offset.
const ZONES: [&str; 3] = ["America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata"];

fn promise() -> impl Strategy<Value = Option<Promise>> {
    proptest::option::of(prop_oneof![(-1..3i32).prop_map(Promise::Day), (0..3000i64).prop_map(Promise::At)])
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1..30u64, 0..4u8, promise()).prop_map(|(quantity, priority, promise)| Op::Create { quantity, priority, promise }),
        2 => (1..40u64).prop_map(|quantity| Op::Stock { quantity }),
        // Expiries shorter than the longest tick, so that ticks cross them.
        3 => (0..12usize, 0..25u64, proptest::option::of(1..120i64))
            .prop_map(|(backorder, quantity, expires_in)| Op::Allocate { backorder, quantity, expires_in }),
        1 => (0..15usize).prop_map(|allocation| Op::Confirm { allocation }),
        1 => (0..15usize).prop_map(|allocation| Op::Release { allocation }),
        3 => (0..12usize, 0..25u64).prop_map(|(backorder, quantity)| Op::Fulfill { backorder, quantity }),
        1 => (0..12usize, proptest::option::of(0..25u64)).prop_map(|(backorder, quantity)| Op::Cancel { backorder, quantity }),
        1 => Just(Op::Run),
        2 => (0..600i64).prop_map(|minutes| Op::Tick { minutes }),
        2 => (0..30u64, any::<bool>()).prop_map(|(lost, set)| Op::Count { lost, set }),
    ]
}

/// The model: quantities only, one SKU, the default location. It holds what
/// is stored; `settled` is what every view shows.
#[derive(Default, Debug, Clone)]
struct Model {
    backorders: Vec<ModelBackorder>,
    /// Held units and confirmation per allocation, in creation order.
    allocations: Vec<ModelAllocation>,
    on_hand: u64,
    reserved: u64,
}

#[derive(Debug, Clone)]
struct ModelBackorder {
    ordered: u64,
    fulfilled: u64,
    cancelled: u64,
    priority: u8,
    closed_by_cancel: bool,
    promised: Option<DateOrTime>,
}

#[derive(Debug, Clone)]
struct ModelAllocation {
    backorder: usize,
    held: u64,
    confirmed: bool,
    live: bool,
    expires_at: Option<Timestamp>,
}

impl ModelBackorder {
    fn remaining(&self) -> u64 {
        self.ordered - self.fulfilled - self.cancelled
    }
}

impl Model {
    /// Finalises every reserved allocation whose expiry is not after `now`,
    /// as the engine's writes do first.
    fn settle(&mut self, now: Timestamp) {
        for a in &mut self.allocations {
            if a.live && !a.confirmed && a.expires_at.is_some_and(|t| t <= now) {
                self.reserved -= a.held;
                a.held = 0;
                a.live = false;
            }
        }
    }

    /// The state as every view shows it at `now`.
    fn settled(&self, now: Timestamp) -> Model {
        let mut m = self.clone();
        m.settle(now);
        m
    }

    fn allocated(&self, b: usize) -> u64 {
        self.allocations.iter().filter(|a| a.backorder == b && a.live).map(|a| a.held).sum()
    }

    fn confirmed(&self, b: usize) -> u64 {
        self.allocations.iter().filter(|a| a.backorder == b && a.live && a.confirmed).map(|a| a.held).sum()
    }

    fn status(&self, b: usize) -> BackorderStatus {
        let bo = &self.backorders[b];
        let remaining = bo.remaining();
        if remaining == 0 {
            return if bo.closed_by_cancel { BackorderStatus::Cancelled } else { BackorderStatus::Fulfilled };
        }
        if self.confirmed(b) >= remaining {
            BackorderStatus::ReadyToShip
        } else if self.allocated(b) >= remaining {
            BackorderStatus::Allocated
        } else if bo.fulfilled > 0 {
            BackorderStatus::PartiallyFulfilled
        } else {
            BackorderStatus::Pending
        }
    }

    fn open(&self, b: usize) -> bool {
        self.backorders[b].remaining() > 0
    }

    /// The checks a write on a backorder makes first, in the engine's order:
    /// the quantity, that the backorder exists, that it is open, then the
    /// quantity's bound. None when all pass.
    fn refusal(&self, b: usize, quantity: Option<u64>, bound: impl FnOnce(&Self) -> u64) -> Option<Expect> {
        if quantity == Some(0) {
            Some(Expect::Invalid)
        } else if b >= self.backorders.len() {
            Some(Expect::NotFound)
        } else if !self.open(b) {
            Some(Expect::State)
        } else if quantity.is_some_and(|q| q > bound(self)) {
            Some(Expect::Invalid)
        } else {
            None
        }
    }

    /// Where a backorder's promise puts it in the allocation order:
    /// earliest first, none last; a day ranks at its start in UTC.
    fn promised(&self, b: usize) -> (bool, i64) {
        match self.backorders[b].promised {
            Some(DateOrTime::Date(day)) => (false, i64::from(day) * DAY),
            Some(DateOrTime::Time(t)) => (false, t),
            None => (true, 0),
        }
    }

    /// A count of `on_hand` units: releases held units until the reserved
    /// fit, least urgent first (lowest priority, then latest promise, none
    /// latest of all, then newest backorder; newest allocation within one).
    fn count(&mut self, on_hand: u64) {
        let mut order: Vec<usize> = (0..self.allocations.len()).filter(|&a| self.allocations[a].live).collect();
        order.sort_by_key(|&a| {
            let b = self.allocations[a].backorder;
            (self.backorders[b].priority, std::cmp::Reverse((self.promised(b), b, a)))
        });
        for a in order {
            let excess = self.reserved.saturating_sub(on_hand);
            let al = &mut self.allocations[a];
            let take = excess.min(al.held);
            al.held -= take;
            self.reserved -= take;
            if al.held == 0 {
                al.live = false;
            }
        }
        self.on_hand = on_hand;
    }

    /// Releases held units beyond what is owed, newest allocation first.
    fn release_excess(&mut self, b: usize) {
        let remaining = self.backorders[b].remaining();
        for i in (0..self.allocations.len()).rev() {
            let excess = self.allocated(b).saturating_sub(remaining);
            if excess == 0 {
                break;
            }
            let a = &mut self.allocations[i];
            if a.backorder == b && a.live {
                let take = excess.min(a.held);
                a.held -= take;
                self.reserved -= take;
                if a.held == 0 {
                    a.live = false;
                }
            }
        }
    }
}

/// What the model expects of a call: success, or which error case.
#[derive(Debug, PartialEq)]
enum Expect {
    Ok,
    Invalid,
    NotFound,
    State,
    Stock(u64),
}

fn outcome<T>(result: Result<Outcome<T>, CallError>) -> Expect {
    match result {
        Ok(_) => Expect::Ok,
        Err(CallError::Domain(BackorderError::InvalidInput(_))) => Expect::Invalid,
        Err(CallError::Domain(BackorderError::NotFound(_))) => Expect::NotFound,
        Err(CallError::Domain(BackorderError::InvalidState(_))) => Expect::State,
        Err(CallError::Domain(BackorderError::InsufficientStock(n))) => Expect::Stock(n),
        Err(other) => panic!("unexpected failure: {other}"),
    }
}

fn id(b: usize) -> String {
    format!("BO-2026-{:04}", b + 1)
}

fn allocation_id(a: usize) -> String {
    format!("AL-{:06}", a + 1)
}

const PRIORITIES: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Critical];

/// Runs `op` on the engine and the model; tells whether it wrote (a failed
/// write rolls back, finalised expiries included).
fn step(h: &mut Harness, m: &mut Model, op: &Op, now: Timestamp) -> bool {
    match *op {
        Op::Create { quantity, priority, promise } => {
            let promised = promise.map(|promise| match promise {
                Promise::Day(days) => DateOrTime::Date((T0 / DAY) as i32 + days),
                Promise::At(minutes) => DateOrTime::Time(T0 + minutes * 60_000),
            });
            let priority_name = Some(PRIORITIES[priority as usize]);
            let request = NewBackorder { sku: "P".into(), quantity, priority: priority_name, promised_date: promised, ..new_backorder() };
            assert_eq!(outcome(h.engine.create_backorder(&request, Mode::Apply)), Expect::Ok);
            m.backorders.push(ModelBackorder { ordered: quantity, fulfilled: 0, cancelled: 0, priority, closed_by_cancel: false, promised });
            true
        }
        Op::Stock { quantity } => {
            h.engine.stock_add("P", None, quantity, Mode::Apply).unwrap();
            m.on_hand += quantity;
            true
        }
        Op::Allocate { backorder: b, quantity, expires_in } => {
            let expires_at = expires_in.map(|minutes| now + minutes * 60_000);
            let request = AllocationRequest { override_priority: true, expires_at, ..allocation(&id(b), quantity) };
            let expected = if let Some(refused) = m.refusal(b, Some(quantity), |m| m.backorders[b].remaining() - m.allocated(b)) {
                refused
            } else if quantity > m.on_hand - m.reserved {
                Expect::Stock(m.on_hand - m.reserved)
            } else {
                m.allocations.push(ModelAllocation { backorder: b, held: quantity, confirmed: false, live: true, expires_at });
                m.reserved += quantity;
                Expect::Ok
            };
            assert_eq!(outcome(h.engine.allocate_backorder(&request, Mode::Apply)), expected, "{op:?}");
            expected == Expect::Ok
        }
        Op::Confirm { allocation: a } | Op::Release { allocation: a } => {
            let confirm = matches!(op, Op::Confirm { .. });
            let expected = match m.allocations.get(a) {
                None => Expect::NotFound,
                Some(al) if !al.live || (confirm && al.confirmed) => Expect::State,
                Some(_) => Expect::Ok,
            };
            let request = change(&allocation_id(a));
            let result = if confirm {
                outcome(h.engine.confirm_allocation(&request, Mode::Apply))
            } else {
                outcome(h.engine.release_allocation(&request, Mode::Apply))
            };
            assert_eq!(result, expected, "{op:?}");
            if expected == Expect::Ok {
                let al = &mut m.allocations[a];
                if confirm {
                    al.confirmed = true;
                } else {
                    m.reserved -= al.held;
                    al.held = 0;
                    al.live = false;
                }
            }
            expected == Expect::Ok
        }
        Op::Fulfill { backorder: b, quantity } => {
            let request = FulfillmentRequest { override_priority: true, ..fulfillment(&id(b), quantity) };
            let expected = if let Some(refused) = m.refusal(b, Some(quantity), |m| m.backorders[b].remaining()) {
                refused
            } else {
                let unreserved = quantity.saturating_sub(m.allocated(b));
                if unreserved > m.on_hand - m.reserved {
                    Expect::Stock(m.on_hand - m.reserved)
                } else {
                    // Confirmed before reserved, oldest first.
                    let mut left = quantity;
                    for confirmed in [true, false] {
                        for al in m.allocations.iter_mut().filter(|a| a.backorder == b && a.live && a.confirmed == confirmed) {
                            let take = left.min(al.held);
                            al.held -= take;
                            left -= take;
                            m.reserved -= take;
                            if al.held == 0 {
                                al.live = false;
                            }
                        }
                    }
                    m.on_hand -= quantity;
                    m.backorders[b].fulfilled += quantity;
                    m.release_excess(b);
                    Expect::Ok
                }
            };
            assert_eq!(outcome(h.engine.fulfill_backorder(&request, Mode::Apply)), expected, "{op:?}");
            expected == Expect::Ok
        }
        Op::Cancel { backorder: b, quantity } => {
            let request = cancellation(&id(b), quantity);
            let expected = if let Some(refused) = m.refusal(b, quantity, |m| m.backorders[b].remaining()) {
                refused
            } else {
                let bo = &mut m.backorders[b];
                let units = quantity.unwrap_or(bo.remaining());
                bo.cancelled += units;
                bo.closed_by_cancel = bo.remaining() == 0;
                m.release_excess(b);
                Expect::Ok
            };
            assert_eq!(outcome(h.engine.cancel_backorder(&request, Mode::Apply)), expected, "{op:?}");
            expected == Expect::Ok
        }
        Op::Run => {
            let result = domain(h.engine.allocate_available(&run("P", AllocationPolicy::StrictPriority), Mode::Apply)).unwrap();
            // Strict priority: the model serves the same order the engine walks.
            let mut order: Vec<usize> = (0..m.backorders.len()).filter(|&b| m.open(b)).collect();
            order.sort_by_key(|&b| (std::cmp::Reverse(m.backorders[b].priority), m.promised(b), b));
            let mut left = m.on_hand - m.reserved;
            let mut served = Vec::new();
            for b in order {
                let need = m.backorders[b].remaining() - m.allocated(b);
                if need == 0 {
                    continue;
                }
                if left == 0 {
                    break;
                }
                let give = need.min(left);
                m.allocations.push(ModelAllocation { backorder: b, held: give, confirmed: false, live: true, expires_at: None });
                m.reserved += give;
                left -= give;
                served.push((id(b), give));
            }
            let got: Vec<_> = result.lines.iter().filter(|l| l.allocated > 0).map(|l| (l.backorder_id.clone(), l.allocated)).collect();
            assert_eq!(got, served);
            true
        }
        Op::Count { lost, set } => {
            let (quantity, target) = if set {
                (StockChange::Set(m.on_hand.saturating_sub(lost)), Some(m.on_hand.saturating_sub(lost)))
            } else {
                (StockChange::Adjust(-(lost as i64)), (lost > 0).then(|| m.on_hand.checked_sub(lost)).flatten())
            };
            let request = StockAdjustmentRequest {
                sku: "P".into(),
                location: None,
                quantity,
                reason: Some("cycle count".into()),
                request_id: None,
            };
            let result = h.engine.adjust_stock(&request, Mode::Apply);
            let Some(on_hand) = target else {
                assert_eq!(outcome(result), Expect::Invalid, "{op:?}");
                return false;
            };
            let reserved_before = m.reserved;
            m.count(on_hand);
            let adjustment = result.expect("a count the model accepts").value;
            assert_eq!((adjustment.on_hand, adjustment.reserved), (m.on_hand, m.reserved), "{op:?}");
            assert!(adjustment.reserved <= adjustment.on_hand);
            let lost: u64 = adjustment.released.iter().map(|loss| loss.quantity).sum();
            assert_eq!(lost, reserved_before - m.reserved);
            true
        }
        // The clock moved before the step (see the test): no call, no write.
        Op::Tick { .. } => false,
    }
}

/// The engine's views against the model's as of `now`, and the stock
/// (the inventory's reservations: what was finalised) against what the
/// model stored.
/// The backorders overdue at `now` in `zone`, by the model: a day once it
/// has ended there (its local date is before today's), an instant once
/// passed. chrono-tz here is the oracle, independent of the engine.
fn overdue(m: &Model, zone: &str, now: Timestamp) -> u64 {
    use chrono::{DateTime, NaiveDate};
    let zone: chrono_tz::Tz = zone.parse().unwrap();
    let today = DateTime::from_timestamp_millis(now).unwrap().with_timezone(&zone).date_naive();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let late = |b: usize| match m.backorders[b].promised {
        Some(DateOrTime::Date(day)) => epoch + chrono::Days::new(day as u64) < today,
        Some(DateOrTime::Time(t)) => t < now,
        None => false,
    };
    (0..m.backorders.len()).filter(|&b| m.open(b) && late(b)).count() as u64
}

fn compare(h: &mut Harness, stored: &Model, now: Timestamp, zone: &str) {
    let m = &stored.settled(now);
    for b in 0..m.backorders.len() {
        let bo = h.backorder(&id(b));
        let model = &m.backorders[b];
        assert_eq!(bo.quantity_ordered, bo.quantity_fulfilled + bo.quantity_cancelled + bo.quantity_remaining);
        assert!(bo.quantity_allocated <= bo.quantity_remaining);
        assert_eq!(
            (bo.status, bo.quantity_fulfilled, bo.quantity_cancelled, bo.quantity_allocated, bo.quantity_confirmed),
            (m.status(b), model.fulfilled, model.cancelled, m.allocated(b), m.confirmed(b)),
            "{}",
            id(b)
        );
    }
    let stock = h.engine.stock_show(Some("P")).unwrap();
    let (on_hand, reserved) = stock.first().map_or((0, 0), |s| (s.on_hand, s.reserved));
    assert_eq!((on_hand, reserved), (stored.on_hand, stored.reserved));
    let summary = h.engine.backorder_summary().unwrap();
    let open: Vec<usize> = (0..m.backorders.len()).filter(|&b| m.open(b)).collect();
    assert_eq!(summary.open_backorders, open.len() as u64);
    assert_eq!(summary.units_remaining, open.iter().map(|&b| m.backorders[b].remaining()).sum::<u64>());
    assert_eq!(summary.units_allocated, open.iter().map(|&b| m.allocated(b)).sum::<u64>());
    let late = overdue(m, zone, now);
    assert_eq!(summary.overdue, late, "overdue at {now} in {zone}");
    assert_eq!(h.engine.sku_summary("P").unwrap().summary.overdue, late, "SKU summary");
    let listed = h.engine.list_backorders(&ListRequest { overdue_only: true, limit: Some(500), ..list() }).unwrap();
    assert_eq!(listed.backorders.len() as u64, late, "overdue list");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_match_the_model_and_keep_every_invariant(
        ops in proptest::collection::vec(op(), 1..45),
        zone in 0..ZONES.len(),
    ) {
        let zone = ZONES[zone];
        let mut h = Harness::new();
        let settings = SettingsUpdate { timezone: Some(zone.into()) };
        assert_eq!(h.engine.update_settings(&settings, Mode::Apply).unwrap().value.timezone, zone);
        let mut m = Model::default();
        let mut now = T0;
        for op in &ops {
            if let Op::Tick { minutes } = op {
                now += minutes * 60_000;
                h.at(now);
            }
            // Every write but create first finalises the expiries due; a
            // failed one rolls that back with the rest.
            let before = m.clone();
            let settles = !matches!(op, Op::Create { .. } | Op::Stock { .. } | Op::Tick { .. });
            if settles {
                m.settle(now);
            }
            if !step(&mut h, &mut m, op, now) && settles {
                m = before;
            }
            compare(&mut h, &m, now, zone);
        }
        let report = h.engine.check_integrity().unwrap();
        prop_assert_eq!(report.problems, vec![]);
        prop_assert_eq!(h.engine.check_stock().unwrap(), vec![]);
    }
}
