//! Webhook endpoints, dead-letter rows and relay passes. An endpoint's
//! secret is never part of its JSON: `webhooks add` shows it once, beside.

use serde_json::{json, Value};

use backorders_host::provider::deliveries::{Endpoint, FailedDelivery, Pruned};

use super::optional_time;

/// `id`, `url`, `types` (empty: every kind), `created_at`, `cursor` (the
/// outbox `seq` it is done with), `attempts` and `next_attempt_at` of its
/// next event, `last_error`, `disabled_at` (410 Gone).
pub fn webhook_endpoint(endpoint: &Endpoint) -> Value {
    json!({
        "id": endpoint.id,
        "url": endpoint.url,
        "types": endpoint.types,
        "created_at": super::time(endpoint.created_at),
        "cursor": endpoint.cursor,
        "attempts": endpoint.attempts,
        "next_attempt_at": optional_time(endpoint.next_attempt_at),
        "last_error": endpoint.last_error,
        "disabled_at": optional_time(endpoint.disabled_at),
    })
}

/// `id`, `endpoint_id`, `seq`, `attempts`, `last_error`, `failed_at`,
/// `retry_requested`.
pub fn failed_delivery(failure: &FailedDelivery) -> Value {
    json!({
        "id": failure.id,
        "endpoint_id": failure.endpoint_id,
        "seq": failure.seq,
        "attempts": failure.attempts,
        "last_error": failure.last_error,
        "failed_at": super::time(failure.failed_at),
        "retry_requested": failure.retry_requested,
    })
}

/// `events` pruned and `kept_from` (null without endpoints).
pub fn pruned(pruned: &Pruned) -> Value {
    json!({ "events": pruned.events, "kept_from": pruned.kept_from })
}
