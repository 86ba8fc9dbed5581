//! From tool parameters to the library's typed calls, and from their
//! results to a reply: the MCP twin of the CLI's command modules, sharing
//! the WIT requests, the date parsing and the JSON builders.

use serde_json::{json, Map, Value};

use super::arguments::{wire, Wire};
use super::params::{
    AllocateAvailable, AllocateBackorder, CancelBackorder, ChangeAllocation, CreateBackorder,
    ExpectSupply, ExpireAllocations, ExtendAllocation, FulfillBackorder, GetBackorder,
    ListBackorders, ListExpectedSupply, NoParameters, Receive, SkuSummary, UpdateBackorder,
};
use super::reply::Reply;
use backorders_host::{
    AllocationChange, AllocationExtension, AllocationRequest, AllocationResult, AllocationRun,
    AllocationRunRequest, Backorder, BackorderSummary, BackorderUpdate, CancelRequest, DateChange,
    ExpiryRequest, FulfillmentRequest, ListRequest, NewBackorder, SourceKind, SupplyExpectation,
    TextChange, Timestamp,
};
use backorders_host::{CallError, HostError};
use backorders_host::names::WireName;
use crate::json;
use backorders_host::{dates, Backorders, Mode, Outcome};

/// One tool's work: build the request, make the call, shape the reply.
/// Reads ignore `mode`; writes commit only under `Mode::Apply`.
pub trait Operation: Send + 'static {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError>;
}

/// A date or time argument, parsed as the CLI parses it.
fn time(field: &'static str, input: Option<&str>) -> Result<Option<Timestamp>, CallError> {
    Ok(input
        .map(|input| dates::parse_time(field, input))
        .transpose()?)
}

/// `inventory` unless the caller named another source.
fn source(source: Option<Wire<SourceKind>>) -> SourceKind {
    wire(source).unwrap_or(SourceKind::Inventory)
}

/// An update of one field: a new value, a clear, or neither; both is bad
/// input rather than a guess.
fn change<T, C>(
    field: &'static str,
    value: Option<T>,
    clear: bool,
    set: fn(T) -> C,
    cleared: C,
) -> Result<Option<C>, CallError> {
    match (value, clear) {
        (Some(_), true) => Err(HostError::InvalidInput {
            field,
            message: format!("give a new value or clear_{field}, not both"),
        }
        .into()),
        (Some(value), false) => Ok(Some(set(value))),
        (None, true) => Ok(Some(cleared)),
        (None, false) => Ok(None),
    }
}

/// `BO-2026-0001 (WIDGET-001, normal): partially_fulfilled; ordered 100, …`
fn backorder_line(backorder: &Backorder) -> String {
    format!(
        "{} ({}, {}): {}; ordered {}, allocated {}, fulfilled {}, cancelled {}, remaining {}; version {}",
        backorder.backorder_id,
        backorder.sku,
        backorder.priority.wire_name(),
        backorder.status.wire_name(),
        backorder.quantity_ordered,
        backorder.quantity_allocated,
        backorder.quantity_fulfilled,
        backorder.quantity_cancelled,
        backorder.quantity_remaining,
        backorder.version,
    )
}

/// A write whose result is the backorder itself.
fn backorder_write(verb: &str, outcome: Outcome<Backorder>) -> Reply {
    let summary = format!("{verb} {}", backorder_line(&outcome.value));
    Reply::write(json::backorder(&outcome.value), outcome.applied, summary)
}

/// A write that changed one allocation: the backorder with it.
fn allocation_write(verb: &str, outcome: Outcome<AllocationResult>) -> Reply {
    let AllocationResult {
        backorder,
        allocation,
    } = outcome.value;
    let summary = format!(
        "{verb} {} ({} units from {}, now {}) of {}",
        allocation.allocation_id,
        allocation.quantity,
        allocation.source.wire_name(),
        allocation.status.wire_name(),
        backorder_line(&backorder),
    );
    let mut fields = json::backorder(&backorder);
    fields.insert("allocation".into(), json::allocation(&allocation));
    Reply::write(fields, outcome.applied, summary)
}

fn run_summary(run: &AllocationRun) -> String {
    let short = run.lines.iter().filter(|line| line.shortfall.is_some());
    format!(
        "{} at {}: {} of {} available units allocated over {} backorders by {}; {} got less than they lacked",
        run.sku,
        run.location.as_deref().unwrap_or("the default location"),
        run.allocated,
        run.available,
        run.lines.len(),
        run.policy.wire_name(),
        short.count(),
    )
}

fn run_write(outcome: Outcome<AllocationRun>) -> Reply {
    let summary = run_summary(&outcome.value);
    Reply::write(
        json::allocation_run(&outcome.value),
        outcome.applied,
        summary,
    )
}

fn summary_line(summary: &BackorderSummary) -> String {
    format!(
        "{} open backorders: {} units remaining, {} allocated, {} overdue",
        summary.open_backorders, summary.units_remaining, summary.units_allocated, summary.overdue
    )
}

impl Operation for ListBackorders {
    fn run(self, backorders: &mut Backorders, _: Mode) -> Result<Reply, CallError> {
        let request = ListRequest {
            expected_before: time("expected_before", self.expected_before.as_deref())?,
            sku: self.sku,
            status: wire(self.status),
            priority: wire(self.priority),
            customer_id: self.customer_id,
            order_id: self.order_id,
            open_only: self.open_only,
            overdue_only: self.overdue_only,
            limit: self.limit,
            cursor: self.cursor,
        };
        let page = backorders.list_backorders(&request)?;
        let more = match &page.next_cursor {
            Some(cursor) => format!("more: pass cursor `{cursor}` for the next page"),
            None => "last page".to_owned(),
        };
        let summary = format!("{} backorders; {more}", page.backorders.len());
        Ok(Reply::read(json::page(&page), summary))
    }
}

impl Operation for GetBackorder {
    fn run(self, backorders: &mut Backorders, _: Mode) -> Result<Reply, CallError> {
        let detail = backorders.get_backorder(&self.backorder_id)?;
        let summary = format!(
            "{}; {} allocations, {} fulfilments, {} history entries",
            backorder_line(&detail.backorder),
            detail.allocations.len(),
            detail.fulfillments.len(),
            detail.history.len(),
        );
        Ok(Reply::read(json::detail(&detail), summary))
    }
}

impl Operation for CreateBackorder {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let request = NewBackorder {
            expected_date: time("expected_date", self.expected_date.as_deref())?,
            promised_date: time("promised_date", self.promised_date.as_deref())?,
            order_id: self.order_id,
            order_line_id: self.order_line_id,
            customer_id: self.customer_id,
            sku: self.sku,
            quantity: self.quantity,
            priority: wire(self.priority),
            location: self.location,
            notes: self.notes,
            request_id: self.request_id,
        };
        let outcome = backorders.create_backorder(&request, mode)?;
        Ok(backorder_write("created", outcome))
    }
}

impl Operation for UpdateBackorder {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let expected_date = time("expected_date", self.expected_date.as_deref())?;
        let promised_date = time("promised_date", self.promised_date.as_deref())?;
        let request = BackorderUpdate {
            backorder_id: self.backorder_id,
            priority: wire(self.priority),
            expected_date: change(
                "expected_date",
                expected_date,
                self.clear_expected_date,
                DateChange::Set,
                DateChange::Clear,
            )?,
            promised_date: change(
                "promised_date",
                promised_date,
                self.clear_promised_date,
                DateChange::Set,
                DateChange::Clear,
            )?,
            location: change(
                "location",
                self.location,
                self.clear_location,
                TextChange::Set,
                TextChange::Clear,
            )?,
            notes: change(
                "notes",
                self.notes,
                self.clear_notes,
                TextChange::Set,
                TextChange::Clear,
            )?,
            request_id: self.request_id,
            expected_version: self.expected_version,
        };
        let outcome = backorders.update_backorder(&request, mode)?;
        Ok(backorder_write("updated", outcome))
    }
}

impl Operation for AllocateBackorder {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let request = AllocationRequest {
            expires_at: time("expires_at", self.expires_at.as_deref())?,
            backorder_id: self.backorder_id,
            quantity: self.quantity,
            source: source(self.source),
            source_ref: self.source_ref,
            location: self.location,
            lot: self.lot,
            override_priority: self.override_priority,
            request_id: self.request_id,
            expected_version: self.expected_version,
        };
        let outcome = backorders.allocate_backorder(&request, mode)?;
        Ok(allocation_write("allocated", outcome))
    }
}

impl ChangeAllocation {
    fn request(self) -> AllocationChange {
        AllocationChange {
            allocation_id: self.allocation_id,
            request_id: self.request_id,
            expected_version: self.expected_version,
        }
    }
}

/// `confirm_allocation`: the same parameters as a release, another call.
pub struct Confirm(pub ChangeAllocation);

/// `release_allocation`.
pub struct Release(pub ChangeAllocation);

impl Operation for Confirm {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let outcome = backorders.confirm_allocation(&self.0.request(), mode)?;
        Ok(allocation_write("confirmed", outcome))
    }
}

impl Operation for Release {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let outcome = backorders.release_allocation(&self.0.request(), mode)?;
        Ok(allocation_write("released", outcome))
    }
}

impl Operation for ExtendAllocation {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let request = AllocationExtension {
            expires_at: dates::parse_time("expires_at", &self.expires_at)?,
            allocation_id: self.allocation_id,
            request_id: self.request_id,
            expected_version: self.expected_version,
        };
        let outcome = backorders.extend_allocation(&request, mode)?;
        Ok(allocation_write("extended", outcome))
    }
}

impl Operation for FulfillBackorder {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let request = FulfillmentRequest {
            backorder_id: self.backorder_id,
            quantity: self.quantity,
            source: source(self.source),
            source_ref: self.source_ref,
            fulfilled_by: self.fulfilled_by,
            notes: self.notes,
            override_priority: self.override_priority,
            request_id: self.request_id,
            expected_version: self.expected_version,
        };
        let outcome = backorders.fulfill_backorder(&request, mode)?;
        let result = outcome.value;
        let summary = format!(
            "shipped {} units ({} from allocations) as fulfilment #{} of {}",
            result.fulfillment.quantity,
            result.fulfillment.quantity_from_allocations,
            result.fulfillment.sequence,
            backorder_line(&result.backorder),
        );
        let mut fields = json::backorder(&result.backorder);
        fields.insert("fulfillment".into(), json::fulfillment(&result.fulfillment));
        Ok(Reply::write(fields, outcome.applied, summary))
    }
}

impl Operation for CancelBackorder {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let request = CancelRequest {
            backorder_id: self.backorder_id,
            quantity: self.quantity,
            reason: self.reason,
            request_id: self.request_id,
            expected_version: self.expected_version,
        };
        let outcome = backorders.cancel_backorder(&request, mode)?;
        let result = outcome.value;
        let summary = format!(
            "cancelled units of {}; {} allocations released",
            backorder_line(&result.backorder),
            result.released.len(),
        );
        let mut fields = json::backorder(&result.backorder);
        let released = result.released.iter().map(json::allocation).collect();
        fields.insert("released".into(), Value::Array(released));
        Ok(Reply::write(fields, outcome.applied, summary))
    }
}

/// `get_backorder_summary`.
pub struct OverallSummary(pub NoParameters);

impl Operation for OverallSummary {
    fn run(self, backorders: &mut Backorders, _: Mode) -> Result<Reply, CallError> {
        let summary = backorders.backorder_summary()?;
        Ok(Reply::read(json::summary(&summary), summary_line(&summary)))
    }
}

impl Operation for SkuSummary {
    fn run(self, backorders: &mut Backorders, _: Mode) -> Result<Reply, CallError> {
        let summary = backorders.sku_summary(&self.sku)?;
        let line = format!(
            "{}: {}",
            summary.sku,
            summary_line(&summary.summary)
        );
        Ok(Reply::read(json::sku_summary(&summary), line))
    }
}

impl AllocateAvailable {
    fn request(self) -> Result<AllocationRunRequest, CallError> {
        Ok(AllocationRunRequest {
            expires_at: time("expires_at", self.expires_at.as_deref())?,
            sku: self.sku,
            location: self.location,
            policy: wire(self.policy),
            source: source(self.source),
            source_ref: self.source_ref,
            received: self.received,
            request_id: self.request_id,
        })
    }
}

impl Operation for AllocateAvailable {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        Ok(run_write(
            backorders.allocate_available(&self.request()?, mode)?,
        ))
    }
}

impl Operation for Receive {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let quantity = self.quantity;
        // A run over the units just received, which are the document's
        // units: its expected supply shrinks by as much.
        let run = AllocateAvailable {
            sku: self.sku,
            location: self.location,
            policy: self.policy,
            source: self.source,
            source_ref: self.source_ref,
            expires_at: self.expires_at,
            received: Some(quantity),
            request_id: self.request_id,
        };
        Ok(run_write(backorders.receive(
            quantity,
            &run.request()?,
            mode,
        )?))
    }
}

impl Operation for ExpireAllocations {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let request = ExpiryRequest {
            reallocate: self.reallocate.unwrap_or(true),
            request_id: self.request_id,
        };
        let outcome = backorders.expire_allocations(&request, mode)?;
        let result = &outcome.value;
        let summary = format!(
            "{} allocations expired; {} units offered again in {} runs{}",
            result.expired.len(),
            result.runs.iter().map(|run| run.allocated).sum::<u64>(),
            result.runs.len(),
            if result.more {
                "; more are past expiry: call again"
            } else {
                ""
            },
        );
        Ok(Reply::write(
            json::expiry_result(result),
            outcome.applied,
            summary,
        ))
    }
}

impl Operation for ExpectSupply {
    fn run(self, backorders: &mut Backorders, mode: Mode) -> Result<Reply, CallError> {
        let request = SupplyExpectation {
            expected_at: dates::parse_time("expected_at", &self.expected_at)?,
            sku: self.sku,
            quantity: self.quantity,
            source: self.source.0,
            source_ref: self.source_ref,
            location: self.location,
            request_id: self.request_id,
        };
        let outcome = backorders.expect_supply(&request, mode)?;
        let plan = &outcome.value;
        let summary = format!(
            "{} units of {} expected on {} at {}: sets the expected date of {} backorders, {} of them at risk",
            plan.supply.quantity,
            plan.supply.sku,
            plan.supply.source_ref,
            dates::format_time(plan.supply.expected_at),
            plan.lines.len(),
            plan.lines.iter().filter(|line| line.at_risk).count(),
        );
        Ok(Reply::write(
            json::promise_plan(plan),
            outcome.applied,
            summary,
        ))
    }
}

impl Operation for ListExpectedSupply {
    fn run(self, backorders: &mut Backorders, _: Mode) -> Result<Reply, CallError> {
        let supplies = backorders.list_expected_supply(self.sku.as_deref())?;
        let summary = format!("{} expected supplies not yet received", supplies.len());
        let value = Value::Array(supplies.iter().map(json::expected_supply).collect());
        Ok(Reply::read(value, summary))
    }
}

/// `check_integrity`: the component's check and the host's stock check,
/// as `backorders check --json` shows them.
pub struct CheckIntegrity(pub NoParameters);

impl Operation for CheckIntegrity {
    fn run(self, backorders: &mut Backorders, _: Mode) -> Result<Reply, CallError> {
        let report = backorders.check_integrity()?;
        let stock = backorders.check_stock()?;
        let mut problems: Vec<Value> = report
            .problems
            .iter()
            .map(|problem| {
                json!({"kind": problem.kind.wire_name(), "subject": problem.subject, "detail": problem.detail})
            })
            .collect();
        problems.extend(stock.into_iter().map(|(subject, detail)| {
            json!({"kind": "stock_mismatch", "subject": subject, "detail": detail})
        }));
        let summary = format!(
            "checked {} backorders, {} allocations, {} index entries: {}",
            report.backorders_checked,
            report.allocations_checked,
            report.index_entries_checked,
            match problems.len() {
                0 => "clean".to_owned(),
                count => format!("{count} problems"),
            },
        );
        let mut fields = Map::new();
        fields.insert("clean".into(), problems.is_empty().into());
        fields.insert(
            "backorders_checked".into(),
            report.backorders_checked.into(),
        );
        fields.insert(
            "allocations_checked".into(),
            report.allocations_checked.into(),
        );
        fields.insert(
            "index_entries_checked".into(),
            report.index_entries_checked.into(),
        );
        fields.insert("problems".into(), Value::Array(problems));
        Ok(Reply::read(Value::Object(fields), summary))
    }
}
