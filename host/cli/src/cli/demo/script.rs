//! The demo's story: one SKU, four customers, every operation once.

use backorders_host::names::WireName;
use backorders_host::{
    dates, AllocationChange, AllocationExtension, AllocationRequest, AllocationResult,
    AllocationRunRequest, Backorder, BackorderError, BackorderUpdate, Backorders, CallError,
    CancelRequest, DateChange, FulfillmentRequest, ListRequest, Mode, NewBackorder, Priority,
    SourceKind, SupplyExpectation, Timestamp,
};
use backorders_host::DateOrTime;

fn change(allocation_id: &str) -> AllocationChange {
    AllocationChange {
        allocation_id: allocation_id.into(),
        request_id: None,
        expected_version: None,
    }
}

use crate::cli::commands::{LIST, SKU_SUMMARY, SUMMARY};
use crate::cli::output::Output;
use crate::cli::{events, render, stock, Failure, Session};

const SKU: &str = "WIDGET-001";
const HOUR_MS: Timestamp = 3_600_000;
const DAY_MS: Timestamp = 24 * HOUR_MS;

pub struct Script {
    session: Session,
    now: Timestamp,
}

fn date(text: &str) -> DateOrTime {
    dates::parse_date("demo", text).expect("the demo's dates are valid")
}

fn print_card(backorder: &Backorder) {
    print!("{}", render::card(backorder));
}

fn print_allocation(result: &AllocationResult) {
    print!("{}", render::allocation_result(result));
}

/// What the demo allocates: a source, and an expiry for stock holds.
struct Hold<'a> {
    source: SourceKind,
    source_ref: Option<&'a str>,
    expires_at: Option<Timestamp>,
}

impl Script {
    pub fn new(backorders: Backorders, start: Timestamp) -> Self {
        let session = Session {
            backorders,
            out: Output { json: false },
        };
        Self {
            session,
            now: start,
        }
    }

    fn backorders(&mut self) -> &mut Backorders {
        &mut self.session.backorders
    }

    /// Narrates the next step; each step happens an hour after the last.
    fn step(&mut self, narration: &str) {
        self.now += HOUR_MS;
        let now = self.now;
        self.backorders().pin_clock(now);
        println!("\n== {narration}");
    }

    fn create(
        &mut self,
        order: &str,
        customer: &str,
        quantity: u64,
        priority: Priority,
        promised: &str,
    ) -> Result<String, CallError> {
        let request = NewBackorder {
            order_id: order.into(),
            order_line_id: Some("1".into()),
            customer_id: customer.into(),
            sku: SKU.into(),
            quantity,
            priority: Some(priority),
            expected_date: Some(date("2026-11-20")),
            promised_date: Some(date(promised)),
            location: None,
            notes: None,
            request_id: None,
        };
        let id = self
            .backorders()
            .create_backorder(&request, Mode::Apply)?
            .value
            .backorder_id;
        let priority = priority.wire_name();
        println!(
            "created {id}: {quantity} x {SKU} for {customer}, {priority}, promised {promised}"
        );
        Ok(id)
    }

    fn allocation_request(id: &str, quantity: u64, hold: Hold<'_>) -> AllocationRequest {
        AllocationRequest {
            backorder_id: id.into(),
            quantity,
            source: hold.source,
            source_ref: hold.source_ref.map(Into::into),
            location: None,
            lot: None,
            expires_at: hold.expires_at,
            override_priority: false,
            request_id: None,
            expected_version: None,
        }
    }

    /// Allocates, shows the result, and returns the allocation's id.
    fn allocate(&mut self, id: &str, quantity: u64, hold: Hold<'_>) -> Result<String, CallError> {
        let request = Self::allocation_request(id, quantity, hold);
        let result = self
            .backorders()
            .allocate_backorder(&request, Mode::Apply)?
            .value;
        print_allocation(&result);
        Ok(result.allocation.allocation_id)
    }

    /// Ships from stock and shows the backorder.
    fn ship(&mut self, id: &str, quantity: u64) -> Result<(), CallError> {
        let request = FulfillmentRequest {
            backorder_id: id.into(),
            quantity,
            source: SourceKind::Inventory,
            source_ref: None,
            fulfilled_by: Some("demo-picker".into()),
            notes: None,
            override_priority: false,
            request_id: None,
            expected_version: None,
        };
        print_card(
            &self
                .backorders()
                .fulfill_backorder(&request, Mode::Apply)?
                .value
                .backorder,
        );
        Ok(())
    }

    fn stock_hold(&self, days: Timestamp) -> Hold<'static> {
        let expires_at = Some(self.now + days * DAY_MS);
        Hold {
            source: SourceKind::Inventory,
            source_ref: None,
            expires_at,
        }
    }

    pub fn run(mut self) -> Result<(), Failure> {
        self.step("60 units of WIDGET-001 arrive at the default warehouse");
        let level = self
            .backorders()
            .stock_add(SKU, None, 60, Mode::Apply)?
            .value;
        println!("on hand {}, available {}", level.on_hand, level.available());

        self.step("Four orders could not be served from stock: four backorders, one SKU");
        let low = self.create("O-1001", "C-ACME", 20, Priority::Low, "2026-12-20")?;
        let normal = self.create("O-1002", "C-BOLT", 30, Priority::Normal, "2026-12-10")?;
        let critical = self.create("O-1003", "C-CRUX", 25, Priority::Critical, "2026-11-16")?;
        let high = self.create("O-1004", "C-DYNA", 40, Priority::High, "2026-11-23")?;

        self.step(
            "Allocating stock to the low-priority backorder is refused: others are more urgent",
        );
        let request = Self::allocation_request(&low, 20, self.stock_hold(2));
        match self.backorders().allocate_backorder(&request, Mode::Apply) {
            Err(CallError::Domain(BackorderError::PriorityConflict(blocking))) => {
                println!(
                    "refused: priority conflict: {blocking} lacks allocation and is more urgent"
                );
            }
            Err(other) => return Err(other.into()),
            Ok(_) => {
                let message = "the priority guard let the low-priority allocation through";
                return Err(Failure::Demo(message.into()));
            }
        }

        self.step("Allocate 25 units from stock to the critical backorder, held for two days");
        let picked = self.allocate(&critical, 25, self.stock_hold(2))?;

        self.step("The warehouse picks them: confirm the allocation (ready_to_ship)");
        print_allocation(
            &self
                .backorders()
                .confirm_allocation(&change(&picked), Mode::Apply)?
                .value,
        );

        self.step("Ship the critical backorder in full (fulfilled)");
        self.ship(&critical, 25)?;

        self.step("Ship 20 of the high-priority backorder's 40 from stock (partially_fulfilled)");
        self.ship(&high, 20)?;

        self.step("Claim its other 20 on purchase order PO-1042, not yet received (allocated)");
        let purchase_order = Hold {
            source: SourceKind::PurchaseOrder,
            source_ref: Some("PO-1042"),
            expires_at: None,
        };
        self.allocate(&high, 20, purchase_order)?;

        self.step("Hold 10 units from stock for the normal-priority backorder until tomorrow");
        let hold = self.allocate(&normal, 10, self.stock_hold(1))?;

        self.step("The customer needs more time: extend the hold by two more days");
        let extension = AllocationExtension {
            allocation_id: hold.clone(),
            expires_at: self.now + 3 * DAY_MS,
            request_id: None,
            expected_version: None,
        };
        print_allocation(
            &self
                .backorders()
                .extend_allocation(&extension, Mode::Apply)?
                .value,
        );

        self.step("Release the hold: the 10 units go back to available stock");
        print_allocation(
            &self
                .backorders()
                .release_allocation(&change(&hold), Mode::Apply)?
                .value,
        );

        self.step("The low-priority customer escalates: raise it to high, promise an earlier date");
        let request = BackorderUpdate {
            backorder_id: low,
            priority: Some(Priority::High),
            expected_date: Some(DateChange::Set(date("2026-11-28"))),
            promised_date: Some(DateChange::Set(date("2026-12-05"))),
            location: None,
            notes: None,
            request_id: None,
            expected_version: None,
        };
        print_card(
            &self
                .backorders()
                .update_backorder(&request, Mode::Apply)?
                .value,
        );

        self.step("The normal-priority customer cancels the order");
        let request = CancelRequest {
            backorder_id: normal,
            quantity: None,
            reason: Some("customer cancelled the order".into()),
            request_id: None,
            expected_version: None,
        };
        print_card(
            &self
                .backorders()
                .cancel_backorder(&request, Mode::Apply)?
                .value
                .backorder,
        );

        self.step(
            "Purchase order PO-1042 is expected with 30 units next week: expected dates follow",
        );
        let expectation = SupplyExpectation {
            sku: SKU.into(),
            quantity: 30,
            expected_at: DateOrTime::Time(self.now + 7 * DAY_MS),
            source: SourceKind::PurchaseOrder,
            source_ref: "PO-1042".into(),
            location: None,
            request_id: None,
        };
        let plan = self
            .backorders()
            .expect_supply(&expectation, Mode::Apply)?
            .value;
        for line in &plan.lines {
            let risk = if line.at_risk {
                "  AT RISK: promised earlier"
            } else {
                ""
            };
            println!(
                "{}  {}  {} units expected {}{risk}",
                line.backorder_id,
                line.priority.wire_name(),
                line.quantity,
                dates::format_date(line.expected_date)
            );
        }

        self.step(
            "PO-1042 arrives with 30 units: its claim is served first, then the rest by priority",
        );
        let receipt = AllocationRunRequest {
            sku: SKU.into(),
            location: None,
            policy: None,
            source: SourceKind::PurchaseOrder,
            source_ref: Some("PO-1042".into()),
            expires_at: None,
            received: Some(30),
            request_id: None,
        };
        let run = self.backorders().receive(30, &receipt, Mode::Apply)?.value;
        print!("{}", crate::cli::run::run_text(&run));

        Ok(self.finale()?)
    }

    /// The read-only views: list, summaries, stock and the event outbox.
    fn finale(&mut self) -> Result<(), CallError> {
        self.step("All backorders of the SKU");
        let request = ListRequest {
            sku: Some(SKU.into()),
            ..ListRequest::all()
        };
        LIST.call(&self.session, &request, Mode::Preview)?;

        self.step("Summary over all open backorders");
        SUMMARY.call(&self.session, &(), Mode::Preview)?;

        self.step("Summary for WIDGET-001");
        SKU_SUMMARY.call(&self.session, &SKU.to_owned(), Mode::Preview)?;

        self.step("Stock after all of it");
        stock::print_levels(&mut self.session, Some(SKU))?;

        self.step("The event outbox a platform turns into notifications");
        events::print(&mut self.session, 50)
    }
}
