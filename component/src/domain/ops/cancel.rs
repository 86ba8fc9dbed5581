use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::model::{CancelRequest, CancelResult, ClosedBy, EventKind, HistoryAction};
use super::idempotency;
use super::super::ports::Ports;
use super::super::repo::{self, Change};
use super::super::validate;
use super::{load_open, record_releases, release_excess};

/// Cancels all remaining units, or `quantity` of them, and releases the held
/// units the new remaining no longer needs (newest allocation first).
pub fn cancel_backorder(ports: &mut Ports, request: CancelRequest) -> DomainResult<CancelResult> {
    idempotency::once(ports, "cancel-backorder", request, cancel)
}

fn cancel(ports: &mut Ports, request: CancelRequest) -> DomainResult<CancelResult> {
    let id = BackorderId::parse("backorder_id", &request.backorder_id)?;
    if let Some(quantity) = request.quantity {
        validate::quantity("quantity", quantity)?;
    }
    validate::notes("reason", request.reason.as_deref())?;

    let old = load_open(ports, id, request.expected_version, "cancelled")?;
    let quantity = request.quantity.unwrap_or(old.remaining());
    if quantity > old.remaining() {
        return Err(DomainError::invalid(
            "quantity",
            format!("exceeds the {} units {id} still owes", old.remaining()),
        ));
    }
    let mut r = old.clone();
    r.quantity_cancelled += quantity;
    if r.remaining() == 0 {
        r.closed_by = Some(ClosedBy::Cancel);
    }
    let released = release_excess(ports, &mut r)?;
    r.version += 1;
    r.updated_at = ports.now;
    let mut detail = format!("cancelled {quantity} units");
    if let Some(reason) = &request.reason {
        detail.push_str(&format!(": {reason}"));
    }
    repo::record_change(ports, &mut r, Change::new(HistoryAction::Cancelled, EventKind::BackorderCancelled, detail).quantity(quantity))?;
    record_releases(ports, &mut r, &released)?;
    repo::save_backorder(ports, Some(&old), &r)?;
    Ok(CancelResult { backorder: super::backorder(ports, &r)?, released: released.into_iter().map(|(a, _)| a).collect() })
}
