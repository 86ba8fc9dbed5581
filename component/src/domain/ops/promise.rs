//! Expected supply and the dates it lets the engine promise.

use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::keys;
use super::super::limits::{MAX_EXPECTED_SUPPLIES, WALK_CHUNK};
use super::super::model::{EventKind, ExpectedSupply, HistoryAction, PromiseLine, PromisePlan, SupplyExpectation};
use super::idempotency;
use super::super::ports::Ports;
use super::super::repo::{self, Change, NeedValue};
use super::super::{time, validate};
use super::check_source_ref;
use std::ops::ControlFlow;

/// Records (or replaces) supply expected on a document, then plans the SKU:
/// expected supplies, earliest first, cover the backorders lacking
/// allocation in priority order; each covered backorder's `expected_date`
/// becomes the date of the supply that completes it, and it is `at_risk`
/// when its promised date falls earlier. Backorders the supply does not
/// reach keep their dates. The walk stops when the expected units are used
/// up, so its cost grows with the backorders covered.
pub fn expect_supply(ports: &mut Ports, request: SupplyExpectation) -> DomainResult<PromisePlan> {
    idempotency::once(ports, "expect-supply", request, expect)
}

fn expect(ports: &mut Ports, request: SupplyExpectation) -> DomainResult<PromisePlan> {
    validate::sku("sku", &request.sku)?;
    validate::quantity("quantity", request.quantity)?;
    validate::date("expected_at", Some(request.expected_at))?;
    if !request.source.is_claim() {
        return Err(DomainError::invalid(
            "source",
            "must be purchase_order, transfer or production: stock on hand is not expected supply",
        ));
    }
    check_source_ref(request.source, Some(&request.source_ref))?;
    validate::optional_reference("location", request.location.as_deref())?;
    super::expire::settle(ports)?;
    ports.store.touch(&request.sku);

    let key = keys::expected_supply(&request.sku, request.source.name(), &request.source_ref);
    let existing: Option<ExpectedSupply> = repo::get(&mut ports.store, "expected supply", &key)?;
    let supply = ExpectedSupply {
        sku: request.sku.clone(),
        source: request.source,
        source_ref: request.source_ref,
        quantity: request.quantity,
        expected_at: request.expected_at,
        location: request.location,
        created_at: existing.map_or(ports.now, |e| e.created_at),
        updated_at: ports.now,
    };
    ports.store.set(&key, &repo::encode(&supply));
    let lines = plan_dates(ports, &request.sku)?;
    Ok(PromisePlan { supply, lines })
}

/// Supply expected and not yet received, by SKU then document, at most
/// `MAX_EXPECTED_SUPPLIES`.
pub fn list_expected_supply(ports: &mut Ports, sku: Option<&str>) -> DomainResult<Vec<ExpectedSupply>> {
    if let Some(sku) = sku {
        validate::sku("sku", sku)?;
    }
    repo::scan_all(&mut ports.store, keys::expected_supplies(sku), MAX_EXPECTED_SUPPLIES)?
        .into_iter()
        .map(|(_, value)| repo::decode("expected supply", &value))
        .collect()
}

fn plan_dates(ports: &mut Ports, sku: &str) -> DomainResult<Vec<PromiseLine>> {
    let mut supplies = list_expected_supply(ports, Some(sku))?;
    supplies.sort_by(|a, b| (a.expected_at.key(), &a.source_ref).cmp(&(b.expected_at.key(), &b.source_ref)));
    let mut supplies = supplies.into_iter().peekable();
    let mut left_in_current = supplies.peek().map_or(0, |s| s.quantity);
    let mut lines = Vec::new();

    let (start, end) = keys::index_range("need", &[sku.as_bytes()]);
    repo::walk(ports, start, &end, WALK_CHUNK, |ports, key, value| {
        let mut need = NeedValue::decode(&value)?.need;
        // Take units from the supplies in date order until this one is covered.
        let mut completing = None;
        while need > 0 {
            let Some(current) = supplies.peek() else { return Ok(ControlFlow::Break(())) };
            let take = need.min(left_in_current);
            need -= take;
            left_in_current -= take;
            completing = Some((current.expected_at, current.source_ref.clone()));
            if left_in_current == 0 {
                supplies.next();
                left_in_current = supplies.peek().map_or(0, |s| s.quantity);
            }
        }
        let Some((date, reference)) = completing else { return Ok(ControlFlow::Continue(())) };
        let id = BackorderId::from_key(keys::backorder_of_index(&key).unwrap_or_default())?;
        let old = repo::load_backorder(&mut ports.store, id)?;
        let mut r = old.clone();
        let at_risk = ports.at_risk(r.promised_date, Some(date))?;
        if r.expected_date != Some(date) {
            r.expected_date = Some(date);
            r.version += 1;
            r.updated_at = ports.now;
            let mut detail = format!(
                "expected_date {} -> {} from expected supply {reference}",
                time::shown(old.expected_date),
                time::shown(Some(date))
            );
            if at_risk {
                detail.push_str(&format!("; at risk: promised {}", time::shown(r.promised_date)));
            }
            repo::record_change(ports, &mut r, Change::new(HistoryAction::Updated, EventKind::BackorderUpdated, detail))?;
            repo::save_backorder(ports, Some(&old), &r)?;
        }
        lines.push(PromiseLine {
            backorder_id: id.to_string(),
            priority: r.priority,
            quantity: r.need(),
            source_ref: reference,
            expected_date: date,
            promised_date: r.promised_date,
            at_risk,
        });
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(lines)
}
