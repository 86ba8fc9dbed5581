//! The database's settings: its time zone.

use super::super::error::{DomainError, DomainResult};
use super::super::keys;
use super::super::model::{Settings, SettingsUpdate};
use super::super::ports::Ports;
use super::super::{repo, validate};

/// The settings after `request` (an empty request only reads them). A
/// time zone is an IANA name the host's zone rules know. Overdue and at
/// risk are derived when read, so a new zone applies from the next call
/// on; nothing stored depends on it.
pub fn update_settings(ports: &mut Ports, request: SettingsUpdate) -> DomainResult<Settings> {
    let mut settings = ports.settings()?;
    let Some(zone) = request.timezone else { return Ok(settings) };
    validate::reference("timezone", &zone)?;
    if ports.zones.utc_offset(&zone, ports.now).is_none() {
        return Err(DomainError::invalid(
            "timezone",
            format!("`{zone}` is not a time zone the host knows: give an IANA name such as Europe/Berlin or UTC"),
        ));
    }
    super::expire::settle(ports)?;
    if settings.timezone != zone {
        settings.timezone = zone;
        ports.store.set(&keys::settings(), &repo::encode(&settings));
        ports.use_settings(settings.clone());
    }
    Ok(settings)
}
