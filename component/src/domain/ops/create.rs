use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::keys;
use super::super::limits::{MAX_BULK_ITEMS, MAX_TIMESTAMP, MIN_TIMESTAMP};
use super::super::model::{Backorder, DateOrTime, EventKind, HistoryAction, NewBackorder, Priority};
use super::idempotency;
use super::super::ports::Ports;
use super::super::record::BackorderRecord;
use super::super::repo::{self, Change, Counts};
use super::super::{time, validate};

/// Records a new backorder, numbered `BO-<year of now>-<next in that year>`.
///
/// Everything a create reads (the remembered request, the year's number
/// sequence, the running totals, the due-day counters) is read in one
/// `get-many` before it starts, so a create crosses to the host at most
/// six times: the clock, that read, the scan for expired request ids
/// (only with a request id), its number (`next-number`), the write batch
/// and the event batch.
pub fn create_backorder(ports: &mut Ports, request: NewBackorder) -> DomainResult<Backorder> {
    let mut counts = Counts::default();
    let created = create_counted(ports, request, &mut counts)?;
    counts.write(&mut ports.store)?;
    Ok(created)
}

/// `create_backorder`, its change to the running totals and due-day
/// counters noted in `counts` for the caller to write.
fn create_counted(ports: &mut Ports, request: NewBackorder, counts: &mut Counts) -> DomainResult<Backorder> {
    if let Some(id) = &request.request_id {
        validate::reference("request_id", id)?;
    }
    validate_request(&request)?;
    if !(MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&ports.now) {
        return Err(DomainError::Other(format!("the host clock reads {}, outside 1970..9999", ports.now)));
    }
    let year = u16::try_from(time::year(ports.now)).map_err(|_| DomainError::Other("clock year out of range".into()))?;
    let mut reads = repo::counter_keys(&request.sku, request.promised_date.or(request.expected_date).map(DateOrTime::key));
    reads.push(keys::backorder_counter(year));
    reads.extend(request.request_id.as_deref().map(keys::request));
    ports.store.prefetch(&reads)?;

    idempotency::once(ports, "create-backorder", request, |p, r| create(p, r, year, counts))
}

/// Creates each of `items` as `create_backorder` would, in order, in this
/// one call, a result per item. A refused item's writes and events are
/// undone and the others go on; with `all_or_nothing` its error is the
/// call's. A failing store or broken stored data fails the call either way.
/// The running totals and due-day counters are written once, at the end,
/// for all the items (as an allocation run does for its backorders).
pub fn create_backorders(
    ports: &mut Ports,
    items: Vec<NewBackorder>,
    all_or_nothing: bool,
) -> DomainResult<Vec<DomainResult<Backorder>>> {
    if items.len() > MAX_BULK_ITEMS {
        return Err(DomainError::invalid("items", format!("must hold at most {MAX_BULK_ITEMS} backorders, not {}", items.len())));
    }
    let mut results = Vec::with_capacity(items.len());
    let mut counts = Counts::default();
    for item in items {
        let events = ports.events.held();
        let mut counted = Counts::default();
        ports.store.savepoint();
        let result = create_counted(ports, item, &mut counted);
        match &result {
            Ok(_) => {
                ports.store.release();
                counts.merge(counted);
            }
            Err(DomainError::Storage(_) | DomainError::Other(_)) => return result.map(|_| Vec::new()),
            Err(_) if all_or_nothing => return result.map(|_| Vec::new()),
            Err(_) => {
                ports.store.rollback();
                ports.events.truncate(events);
            }
        }
        results.push(result);
    }
    counts.write(&mut ports.store)?;
    Ok(results)
}

fn validate_request(request: &NewBackorder) -> DomainResult<()> {
    validate::reference("order_id", &request.order_id)?;
    validate::optional_reference("order_line_id", request.order_line_id.as_deref())?;
    validate::reference("customer_id", &request.customer_id)?;
    validate::sku("sku", &request.sku)?;
    validate::quantity("quantity", request.quantity)?;
    validate::date("expected_date", request.expected_date)?;
    validate::date("promised_date", request.promised_date)?;
    validate::optional_reference("location", request.location.as_deref())?;
    validate::notes("notes", request.notes.as_deref())
}

fn create(ports: &mut Ports, request: NewBackorder, year: u16, counts: &mut Counts) -> DomainResult<Backorder> {
    let sequence = repo::next_number(&mut ports.store, &keys::backorder_sequence(year), &keys::backorder_counter(year))?;
    let sequence = u32::try_from(sequence).map_err(|_| DomainError::Other(format!("backorder numbers for {year} are exhausted")))?;
    let id = BackorderId { year, sequence };

    let mut record = BackorderRecord {
        year: id.year,
        sequence: id.sequence,
        order_id: request.order_id,
        order_line_id: request.order_line_id,
        customer_id: request.customer_id,
        sku: request.sku,
        priority: request.priority.unwrap_or(Priority::Normal),
        quantity_ordered: request.quantity,
        quantity_allocated: 0,
        quantity_confirmed: 0,
        quantity_fulfilled: 0,
        quantity_cancelled: 0,
        expected_date: request.expected_date,
        promised_date: request.promised_date,
        location: request.location,
        notes: request.notes,
        created_at: ports.now,
        updated_at: ports.now,
        version: 1,
        closed_by: None,
        fulfillment_count: 0,
        history_count: 0,
    };
    let detail = format!(
        "created for order {} of customer {}: {} x {} at {} priority",
        record.order_id,
        record.customer_id,
        record.quantity_ordered,
        record.sku,
        record.priority.name()
    );
    repo::record_change(
        ports,
        &mut record,
        Change::new(HistoryAction::Created, EventKind::BackorderCreated, detail).quantity(request.quantity),
    )?;
    repo::save_backorder_counted(ports, None, &record, counts)?;
    super::backorder(ports, &record)
}
