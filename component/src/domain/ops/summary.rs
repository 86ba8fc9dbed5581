use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::keys;
use super::super::model::{DateOrTime, Summary, SkuSummary, Timestamp, Totals};
use super::super::buffer::Buffer;
use super::super::ports::{Ports, Today};
use super::super::record::BackorderRecord;
use super::super::repo;
use super::super::{time, validate};

/// Figures over all open backorders, from the running totals: the cost does
/// not grow with the number of backorders. Like every read, as of now.
pub fn get_backorder_summary(ports: &mut Ports) -> DomainResult<Summary> {
    super::expire::as_of_now(ports, summary)
}

fn summary(ports: &mut Ports) -> DomainResult<Summary> {
    ports.store.prefetch(&[keys::totals(), keys::settings()])?;
    // An older store keeps the overall counters unstriped until its first
    // write (`repo::Counts::write`).
    let (totals, buckets) = match repo::get::<Totals>(&mut ports.store, "totals", &keys::totals())? {
        Some(unstriped) => (unstriped, keys::due_buckets()),
        None => {
            let mut totals = Totals::default();
            for (_, value) in repo::scan_all(&mut ports.store, keys::total_stripes(), keys::STRIPES)? {
                totals.add(&repo::decode("totals", &value)?);
            }
            (totals, keys::due_stripes())
        }
    };
    let today = ports.today()?;
    let overdue = overdue(&mut ports.store, today, buckets, &[])?;
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
    ports.store.prefetch(&[keys::sku_totals(sku), keys::settings()])?;
    let totals: Totals = repo::get(&mut ports.store, "totals", &keys::sku_totals(sku))?.unwrap_or_default();
    let today = ports.today()?;
    let overdue = overdue(&mut ports.store, today, keys::sku_due_buckets(sku), &[part])?;
    let oldest = oldest_open(&mut ports.store, keys::index_range("sku-open", &[part]))?;
    let earliest_expected = earliest(&mut ports.store, keys::index_range("sku-expected", &[part]))?.and_then(|r| r.expected_date);
    let earliest_promised = earliest(&mut ports.store, keys::index_range("sku-promised", &[part]))?.and_then(|r| r.promised_date);
    Ok(SkuSummary {
        sku: sku.to_string(),
        summary: Summary { totals, overdue, oldest_open_created_at: oldest },
        earliest_expected_date: earliest_expected,
        earliest_promised_date: earliest_promised,
    })
}

/// Open backorders whose due date has passed (`Today::is_past`): whole
/// UTC days before both today's UTC day and today in the database's zone
/// come from the per-day buckets (everything due in them is past); the
/// rest is counted exactly from the due index, up to `Today::past_end`.
/// An entry keyed at a UTC midnight may be a day or an instant, so its
/// backorder is read. The cost grows with the number of distinct past due
/// days and with what falls due within a day of now, not with the number
/// of backorders.
fn overdue(store: &mut Buffer, today: Today, buckets: (Vec<u8>, Vec<u8>), sku: &[&[u8]]) -> DomainResult<u64> {
    let first_open_day = time::day(today.now).min(today.day);
    let (start, _) = buckets;
    let mut end = start.clone();
    end.extend_from_slice(keys::day_part(first_open_day).as_bytes());
    let mut count = 0u64;
    for (_, value) in repo::scan_all(store, (start, end), u32::MAX)? {
        count += repo::decode::<u64>("due-day counter", &value)?;
    }
    let name = if sku.is_empty() { "due" } else { "sku-due" };
    let (index_start, _) = keys::index_range(name, sku);
    let mut from = index_start.clone();
    from.extend_from_slice(keys::time_part(first_open_day * time::DAY_MS).as_bytes());
    let mut to = index_start;
    to.extend_from_slice(keys::time_part(today.past_end()).as_bytes());
    for (key, _) in repo::scan_all(store, (from, to), u32::MAX)? {
        let at = keys::part_before_backorder(&key)
            .and_then(keys::time_from_part)
            .ok_or_else(|| DomainError::corrupt("due index key without a time"))?;
        let due = if at.rem_euclid(time::DAY_MS) == 0 {
            let id = BackorderId::from_key(keys::backorder_of_index(&key).unwrap_or_default())?;
            repo::load_backorder(store, id)?.due().unwrap_or(DateOrTime::Time(at))
        } else {
            DateOrTime::Time(at)
        };
        count += u64::from(today.is_past(due));
    }
    Ok(count)
}

/// created_at of the first backorder in a creation-ordered index range.
fn oldest_open(store: &mut Buffer, range: (Vec<u8>, Vec<u8>)) -> DomainResult<Option<Timestamp>> {
    let Some((key, _)) = store.scan(&range.0, &range.1, 1)?.into_iter().next() else { return Ok(None) };
    let id = BackorderId::from_key(keys::backorder_of_index(&key).unwrap_or_default())?;
    let record = repo::load_backorder(store, id).map_err(|_| DomainError::corrupt(format!("open index points at missing {id}")))?;
    Ok(Some(record.created_at))
}

/// The backorder of the first entry of a time-ordered index range, whose
/// date reads back as it was given.
fn earliest(store: &mut Buffer, range: (Vec<u8>, Vec<u8>)) -> DomainResult<Option<BackorderRecord>> {
    let Some((key, _)) = store.scan(&range.0, &range.1, 1)?.into_iter().next() else { return Ok(None) };
    let id = BackorderId::from_key(keys::backorder_of_index(&key).unwrap_or_default())?;
    repo::load_backorder(store, id).map(Some)
}
