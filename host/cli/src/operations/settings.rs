//! The database's settings.

use backorders_host::{Settings, SettingsUpdate};
use serde_json::json;

use super::params::text;
use super::{Effect, Op, Spec};

pub static UPDATE_SETTINGS: Op<SettingsUpdate, Settings> = Op {
    spec: Spec {
        name: "update_settings",
        tool: true,
        title: "Settings",
        description: "The database's settings, after setting those given (none given: only shows them). `timezone` is\nthe IANA time zone (default `UTC`) in which a promised or expected date given as a day\n(`2026-12-01`) means that whole day: overdue once it has ended there; at risk compares days.\nErrors: `invalid_input` (`timezone` unknown). A write: a preview unless applied.",
        effect: Effect::Write { destructive: false, idempotent: true },
        params: &[text(
            "timezone",
            "An IANA time zone name (`Europe/Berlin`, `America/New_York`, `UTC`); omitted: unchanged.",
        )
        .value_name("ZONE")],
    },
    build: |arguments| Ok(SettingsUpdate { timezone: arguments.get("timezone") }),
    call: |backorders, request, mode| backorders.update_settings(request, mode),
    json: |settings| json!({ "timezone": settings.timezone }),
    summary: |settings| format!("time zone {}", settings.timezone),
};
