use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::keys;
use super::super::model::{Summary, SkuSummary, Timestamp, Totals};
use super::super::buffer::Buffer;
use super::super::ports::Ports;
use super::super::repo;
use super::super::{time, validate};

/// Figures over all open backorders, from the running totals: the cost does
/// not grow with the number of backorders. Like every read, as of now.
pub fn get_backorder_summary(ports: &mut Ports) -> DomainResult<Summary> {
    super::expire::as_of_now(ports, summary)
}

fn summary(ports: &mut Ports) -> DomainResult<Summary> {
    let totals: Totals = repo::get(&mut ports.store, "totals", &keys::totals())?.unwrap_or_default();
    let overdue = overdue(&mut ports.store, ports.now, keys::due_buckets(), &[])?;
    let oldest = oldest_open(&mut ports.store, keys::index_range("open", &[]))?;
    Ok(Summary { totals, overdue, oldest_open_created_at: oldest })
}

/// The same for one SKU, with its earliest expected and promised dates. An
/// unknown SKU, or one with nothing open, gives zeros.
pub fn get_sku_backorder_summary(ports: &mut Ports, sku: &str) -> DomainResult<SkuSummary> {
    validate::sku("sku", sku)?;
    super::expire::as_of_now(ports, |ports| sku_summary(ports, sku))
}

fn sku_summary(ports: &mut Ports, sku: &str) -> DomainResult<SkuSummary> {
    let part = sku.as_bytes();
    let totals: Totals = repo::get(&mut ports.store, "totals", &keys::sku_totals(sku))?.unwrap_or_default();
    let overdue = overdue(&mut ports.store, ports.now, keys::sku_due_buckets(sku), &[part])?;
    let oldest = oldest_open(&mut ports.store, keys::index_range("sku-open", &[part]))?;
    let earliest_expected = earliest(&mut ports.store, keys::index_range("sku-expected", &[part]))?;
    let earliest_promised = earliest(&mut ports.store, keys::index_range("sku-promised", &[part]))?;
    Ok(SkuSummary {
        sku: sku.to_string(),
        summary: Summary { totals, overdue, oldest_open_created_at: oldest },
        earliest_expected_date: earliest_expected,
        earliest_promised_date: earliest_promised,
    })
}

/// Open backorders whose due time has passed: whole days before today come
/// from the per-day buckets; today is counted exactly from the due index.
/// The cost grows with the number of distinct past due days and with what
/// falls due today, not with the number of backorders.
fn overdue(store: &mut Buffer, now: Timestamp, buckets: (Vec<u8>, Vec<u8>), sku: &[&[u8]]) -> DomainResult<u64> {
    let today = time::day(now);
    let (start, _) = buckets;
    let mut end = start.clone();
    end.extend_from_slice(keys::day_part(today).as_bytes());
    let mut count = 0u64;
    for (_, value) in repo::scan_all(store, (start, end), u32::MAX)? {
        count += repo::decode::<u64>("due-day counter", &value)?;
    }
    let name = if sku.is_empty() { "due" } else { "sku-due" };
    let (index_start, _) = keys::index_range(name, sku);
    let mut from = index_start.clone();
    from.extend_from_slice(keys::time_part(today * time::DAY_MS).as_bytes());
    let mut to = index_start;
    to.extend_from_slice(keys::time_part(now).as_bytes());
    count += repo::scan_all(store, (from, to), u32::MAX)?.len() as u64;
    Ok(count)
}

/// created_at of the first backorder in a creation-ordered index range.
fn oldest_open(store: &mut Buffer, range: (Vec<u8>, Vec<u8>)) -> DomainResult<Option<Timestamp>> {
    let Some((key, _)) = store.scan(&range.0, &range.1, 1)?.into_iter().next() else { return Ok(None) };
    let id = BackorderId::from_key(keys::backorder_of_index(&key).unwrap_or_default())?;
    let record = repo::load_backorder(store, id).map_err(|_| DomainError::corrupt(format!("open index points at missing {id}")))?;
    Ok(Some(record.created_at))
}

/// The time part of the first entry of a time-ordered index range.
fn earliest(store: &mut Buffer, range: (Vec<u8>, Vec<u8>)) -> DomainResult<Option<Timestamp>> {
    let Some((key, _)) = store.scan(&range.0, &range.1, 1)?.into_iter().next() else { return Ok(None) };
    keys::part_before_backorder(&key)
        .and_then(keys::time_from_part)
        .map(Some)
        .ok_or_else(|| DomainError::corrupt("time index key without a time"))
}
