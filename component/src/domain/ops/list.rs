use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::keys;
use super::super::limits::{DEFAULT_PAGE, MAX_LIST_SCAN, MAX_PAGE, SCAN_CHUNK};
use super::super::model::{BackorderPage, ListRequest, Timestamp};
use super::super::ports::{Ports, Today};
use super::super::record::BackorderRecord;
use super::super::{repo, validate};

/// The index a list walks: the most selective one its filters allow. The
/// other filters are checked on each backorder read.
struct Plan {
    /// Names the index in the cursor, so a cursor is only taken back by a
    /// list that walks the same index.
    tag: &'static str,
    start: Vec<u8>,
    end: Vec<u8>,
}

fn plan(request: &ListRequest, today: Option<Today>) -> Plan {
    let index = |tag: &'static str, name: &str, parts: &[&[u8]]| {
        let (start, end) = keys::index_range(name, parts);
        Plan { tag, start, end }
    };
    let up_to = |tag: &'static str, name: &str, before: Timestamp| {
        let (start, _) = keys::index_range(name, &[]);
        let mut end = start.clone();
        end.extend_from_slice(keys::time_part(before).as_bytes());
        Plan { tag, start, end }
    };
    if let Some(order) = &request.order_id {
        index("o", "order", &[order.as_bytes()])
    } else if let Some(customer) = &request.customer_id {
        index("c", "customer", &[customer.as_bytes()])
    } else if let Some(sku) = &request.sku {
        if request.open_only || request.overdue_only {
            index("so", "sku-open", &[sku.as_bytes()])
        } else {
            index("s", "sku", &[sku.as_bytes()])
        }
    } else if let Some(today) = today {
        up_to("d", "due", today.past_end())
    } else if let Some(before) = request.expected_before {
        up_to("e", "expected", before)
    } else if let Some(status) = request.status {
        index("st", "status", &[status.name().as_bytes()])
    } else if let Some(priority) = request.priority {
        index("p", "priority", &[priority.name().as_bytes()])
    } else if request.open_only {
        index("op", "open", &[])
    } else {
        let (start, end) = keys::backorders_range();
        Plan { tag: "all", start, end }
    }
}

fn matches(r: &BackorderRecord, request: &ListRequest, today: Option<Today>) -> bool {
    let status = r.status();
    request.sku.as_ref().is_none_or(|s| *s == r.sku)
        && request.status.is_none_or(|s| s == status)
        && request.priority.is_none_or(|p| p == r.priority)
        && request.customer_id.as_ref().is_none_or(|c| *c == r.customer_id)
        && request.order_id.as_ref().is_none_or(|o| *o == r.order_id)
        && (!request.open_only || status.is_open())
        && (!request.overdue_only || (status.is_open() && r.due().zip(today).is_some_and(|(due, today)| today.is_past(due))))
        && request.expected_before.is_none_or(|before| r.expected_date.is_some_and(|e| e.key() < before))
}

/// A page of backorders matching every filter, in the order of the index
/// walked: backorder number, except for overdue (due date) and expected
/// before (expected date). One call examines at most `MAX_LIST_SCAN` index
/// entries, so a page can be short and still have a next one.
pub fn list_backorders(ports: &mut Ports, request: ListRequest) -> DomainResult<BackorderPage> {
    let limit = request.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(DomainError::invalid("limit", format!("must be between 1 and {MAX_PAGE}")));
    }
    if let Some(sku) = &request.sku {
        validate::sku("sku", sku)?;
    }
    validate::optional_reference("customer_id", request.customer_id.as_deref())?;
    validate::optional_reference("order_id", request.order_id.as_deref())?;
    validate::timestamp("expected_before", request.expected_before)?;

    super::expire::as_of_now(ports, |ports| list(ports, request, limit))
}

/// The walk of `list_backorders`, its request checked.
fn list(ports: &mut Ports, request: ListRequest, limit: u32) -> DomainResult<BackorderPage> {
    // Only overdue needs today in the database's zone.
    let today = if request.overdue_only { Some(ports.today()?) } else { None };
    let plan = plan(&request, today);
    let mut start = match &request.cursor {
        Some(cursor) => decode_cursor(cursor, &plan)?,
        None => plan.start.clone(),
    };

    let mut page: Vec<BackorderRecord> = Vec::new();
    let mut last_key: Vec<u8> = Vec::new();
    let mut examined = 0usize;
    loop {
        // Read no more than the page can use: a full page and one more to
        // know whether a next page exists.
        let want = (limit + 1).min(SCAN_CHUNK);
        let chunk = ports.store.scan(&start, &plan.end, want)?;
        let exhausted = (chunk.len() as u32) < want;
        for (key, record) in read_records(ports, &plan, chunk)? {
            examined += 1;
            if matches(&record, &request, today) {
                if page.len() == limit as usize {
                    // A further match exists: the page is full and has a next one.
                    return finish(ports, page, Some(encode_cursor(&plan, &after(&last_key))));
                }
                page.push(record);
                last_key = key.clone();
            }
            start = after(&key);
            if examined >= MAX_LIST_SCAN {
                return finish(ports, page, Some(encode_cursor(&plan, &start)));
            }
        }
        if exhausted {
            return finish(ports, page, None);
        }
    }
}

/// The backorders behind a chunk of a scan: the chunk itself when walking
/// the records, one batched read when walking an index.
fn read_records(
    ports: &mut Ports,
    plan: &Plan,
    chunk: Vec<(Vec<u8>, Vec<u8>)>,
) -> DomainResult<Vec<(Vec<u8>, BackorderRecord)>> {
    if plan.tag == "all" {
        return chunk.into_iter().map(|(key, value)| Ok((key, repo::decode("backorder", &value)?))).collect();
    }
    let ids = chunk
        .iter()
        .map(|(key, _)| {
            let id = BackorderId::from_key(keys::backorder_of_index(key).unwrap_or_default())?;
            Ok(keys::backorder(id))
        })
        .collect::<DomainResult<Vec<_>>>()?;
    let values = ports.store.get_many(&ids)?;
    chunk
        .into_iter()
        .zip(values)
        .map(|((key, _), value)| {
            let bytes = value.ok_or_else(|| DomainError::corrupt("index points at a missing backorder"))?;
            Ok((key, repo::decode("backorder", &bytes)?))
        })
        .collect()
}

/// The smallest key after `key`.
fn after(key: &[u8]) -> Vec<u8> {
    let mut next = key.to_vec();
    next.push(0);
    next
}

fn finish(ports: &mut Ports, page: Vec<BackorderRecord>, next_cursor: Option<String>) -> DomainResult<BackorderPage> {
    let backorders = page.iter().map(|r| super::backorder(ports, r)).collect::<DomainResult<_>>()?;
    Ok(BackorderPage { backorders, next_cursor })
}

/// `<index tag>.<hex of where to resume, relative to the index start>`.
fn encode_cursor(plan: &Plan, resume_at: &[u8]) -> String {
    let suffix = &resume_at[plan.start.len()..];
    let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}.{hex}", plan.tag)
}

fn decode_cursor(cursor: &str, plan: &Plan) -> DomainResult<Vec<u8>> {
    let malformed = || DomainError::invalid("cursor", "is not a cursor returned by list-backorders");
    let (tag, hex) = cursor.split_once('.').ok_or_else(malformed)?;
    if tag != plan.tag {
        return Err(DomainError::invalid("cursor", "belongs to a list with other filters; start again without it"));
    }
    if hex.len() % 2 != 0 || hex.len() > 512 {
        return Err(malformed());
    }
    let mut key = plan.start.clone();
    for i in (0..hex.len()).step_by(2) {
        key.push(u8::from_str_radix(hex.get(i..i + 2).ok_or_else(malformed)?, 16).map_err(|_| malformed())?);
    }
    if key >= plan.end {
        return Err(malformed());
    }
    Ok(key)
}
