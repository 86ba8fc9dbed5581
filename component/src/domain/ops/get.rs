use super::super::error::DomainResult;
use super::super::ids::BackorderId;
use super::super::keys;
use super::super::limits::MAX_HISTORY;
use super::super::model::{BackorderDetail, Fulfillment, HistoryEntry};
use super::super::ports::Ports;
use super::super::repo;

/// A backorder with its allocations, fulfilments and history, oldest first,
/// as of now (an expiry due shows as finalised).
pub fn get_backorder(ports: &mut Ports, backorder_id: &str) -> DomainResult<BackorderDetail> {
    let id = BackorderId::parse("backorder_id", backorder_id)?;
    super::expire::as_of_now(ports, |ports| get(ports, id))
}

fn get(ports: &mut Ports, id: BackorderId) -> DomainResult<BackorderDetail> {
    let record = repo::load_backorder(&mut ports.store, id)?;
    let allocations = repo::allocations_of(&mut ports.store, id)?;
    let fulfillments = repo::scan_all(&mut ports.store, keys::fulfillments(id), u32::MAX)?
        .into_iter()
        .map(|(_, value)| repo::decode::<Fulfillment>("fulfillment", &value))
        .collect::<DomainResult<_>>()?;
    let history = repo::scan_all(&mut ports.store, keys::histories(id), MAX_HISTORY)?
        .into_iter()
        .map(|(_, value)| repo::decode::<HistoryEntry>("history entry", &value))
        .collect::<DomainResult<_>>()?;
    Ok(BackorderDetail { backorder: super::backorder(ports, &record)?, allocations, fulfillments, history })
}
