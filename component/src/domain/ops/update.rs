use super::super::error::{DomainError, DomainResult};
use super::super::ids::BackorderId;
use super::super::model::{Backorder, BackorderUpdate, Change as FieldChange, EventKind, HistoryAction};
use super::idempotency;
use super::super::ports::Ports;
use super::super::repo::{self, Change};
use super::super::{time, validate};
use super::load_open;

/// Changes priority, dates, location or notes of an open backorder. A
/// request whose values equal the current ones changes nothing: no new
/// version, no history line.
pub fn update_backorder(ports: &mut Ports, request: BackorderUpdate) -> DomainResult<Backorder> {
    idempotency::once(ports, "update-backorder", request, update)
}

fn update(ports: &mut Ports, request: BackorderUpdate) -> DomainResult<Backorder> {
    let id = BackorderId::parse("backorder_id", &request.backorder_id)?;
    if request.priority.is_none()
        && request.expected_date.is_none()
        && request.promised_date.is_none()
        && request.location.is_none()
        && request.notes.is_none()
    {
        return Err(DomainError::invalid(
            "request",
            "changes nothing: give at least one of priority, expected_date, promised_date, location, notes",
        ));
    }
    if let Some(FieldChange::Set(t)) = request.expected_date {
        validate::date("expected_date", Some(t))?;
    }
    if let Some(FieldChange::Set(t)) = request.promised_date {
        validate::date("promised_date", Some(t))?;
    }
    if let Some(FieldChange::Set(location)) = &request.location {
        validate::reference("location", location)?;
    }
    if let Some(FieldChange::Set(notes)) = &request.notes {
        validate::notes("notes", Some(notes))?;
    }

    let old = load_open(ports, id, request.expected_version, "updated")?;
    let mut r = old.clone();
    let mut changes = Vec::new();
    if let Some(priority) = request.priority {
        if priority != r.priority {
            changes.push(format!("priority {} -> {}", r.priority.name(), priority.name()));
            r.priority = priority;
        }
    }
    if let Some(change) = request.expected_date {
        let value = change.into_option();
        if value != r.expected_date {
            changes.push(format!("expected_date {} -> {}", time::shown(r.expected_date), time::shown(value)));
            r.expected_date = value;
        }
    }
    if let Some(change) = request.promised_date {
        let value = change.into_option();
        if value != r.promised_date {
            changes.push(format!("promised_date {} -> {}", time::shown(r.promised_date), time::shown(value)));
            r.promised_date = value;
        }
    }
    if let Some(change) = request.location {
        let value = change.into_option();
        if value != r.location {
            changes.push(format!(
                "location {} -> {}",
                r.location.as_deref().unwrap_or("default"),
                value.as_deref().unwrap_or("default")
            ));
            r.location = value;
        }
    }
    if let Some(change) = request.notes {
        let value = change.into_option();
        if value != r.notes {
            changes.push(if value.is_some() { "notes set".to_string() } else { "notes cleared".to_string() });
            r.notes = value;
        }
    }
    if changes.is_empty() {
        return super::backorder(ports, &old);
    }
    r.version += 1;
    r.updated_at = ports.now;
    repo::record_change(ports, &mut r, Change::new(HistoryAction::Updated, EventKind::BackorderUpdated, changes.join("; ")))?;
    repo::save_backorder(ports, Some(&old), &r)?;
    super::backorder(ports, &r)
}
