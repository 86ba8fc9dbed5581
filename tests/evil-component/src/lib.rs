//! A component of the `engine` world that misbehaves on purpose, so the
//! limit tests (`tests/tests/limits.rs`) can prove each of the host's
//! sandbox limits against a real component.
//!
//! Only `create-backorder` does anything. It first leaves a trace in every
//! capability (a store entry, a reservation of one unit of its SKU when
//! there is stock, an event), then acts on the request's SKU:
//!
//! | sku | what it does | the limit it meets |
//! | --- | --- | --- |
//! | `LOOP` | spins forever | CPU |
//! | `MEMORY` | allocates 1 MiB blocks until it cannot | memory |
//! | `RECURSE` | recurses without end | wasm stack |
//! | `PANIC` | panics | (a trap, reported with its message) |
//! | `OUTPUT` | prints lines to stdout forever | output |
//! | `VALUE` | stores a value of `quantity` KiB | store value size |
//! | `TEXT` | emits an event whose SKU is `quantity` KiB long | text handed to the host |
//! | `AMBIENT` | reports what WASI lets it see, in the notes | (no ambient authority) |
//! | anything else | returns a backorder: the call commits | |
//!
//! Every other export returns `other("not implemented")`.

#![cfg(target_family = "wasm")]

mod bindings {
    wit_bindgen::generate!({ path: "../../wit", world: "engine" });
}

use std::hint::black_box;

use bindings::commerce::backorders::{clock, events, inventory, store, types as t};
use bindings::exports::commerce::backorders::backorders::{self as api, Guest};

struct Evil;

bindings::export!(Evil with_types_in bindings);

fn failed(message: impl Into<String>) -> t::BackorderError {
    t::BackorderError::Other(message.into())
}

fn not_implemented<T>() -> Result<T, t::BackorderError> {
    Err(failed("not implemented"))
}

/// Writes to the store, reserves one unit and emits an event, so a call
/// that then blows a limit has something to roll back.
fn leave_traces(request: &api::NewBackorder, now: t::Timestamp) -> Result<(), t::BackorderError> {
    let key = format!("evil/{}", request.order_id).into_bytes();
    store::write_batch(&[set(key, request.sku.clone().into_bytes())], &[])
        .map_err(|error| failed(format!("store.write-batch: {error:?}")))?;
    if inventory::available(&request.sku, None).unwrap_or(0) > 0 {
        let reservation = inventory::ReservationRequest {
            sku: request.sku.clone(),
            location: None,
            quantity: 1,
            holder: request.order_id.clone(),
            expires_at: None,
        };
        inventory::reserve(&reservation).map_err(|error| failed(format!("reserve: {error:?}")))?;
    }
    events::emit(&[event(request.sku.clone(), now)]);
    Ok(())
}

/// One `set` write. The evil component writes raw bytes on purpose: it is
/// not bound by the real component's versioned value format.
fn set(key: Vec<u8>, value: Vec<u8>) -> store::Write {
    store::Write::Set(store::Entry { key, value })
}

fn event(sku: String, now: t::Timestamp) -> t::Event {
    t::Event {
        kind: t::EventKind::BackorderCreated,
        at: now,
        backorder_id: "BO-EVIL".into(),
        sku,
        allocation_id: None,
        quantity: None,
        status: t::BackorderStatus::Pending,
        backorder: None,
    }
}

/// Recurses without end. Nothing here takes an address, so the frames live
/// on the wasm stack (the limit under test), not on the shadow stack the
/// compiler keeps in linear memory.
fn recurse(depth: u64) -> u64 {
    if black_box(depth) == u64::MAX {
        return 0;
    }
    black_box(recurse(depth + 1)).wrapping_add(depth)
}

/// What the sandbox lets the component see of the world.
fn ambient() -> String {
    let variables = std::env::vars().count();
    let arguments = std::env::args().count();
    let filesystem = match std::fs::read_dir("/") {
        Ok(_) => "open",
        Err(_) => "denied",
    };
    // `RandomState` takes its keys from `wasi:random`: the hash of a fixed
    // input shows whether the host fixed them too.
    let random = std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), "probe");
    let wall_clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(u128::MAX, |elapsed| elapsed.as_millis());
    format!("env={variables} args={arguments} fs={filesystem} random={random:016x} wall_clock_ms={wall_clock}")
}

fn backorder(request: api::NewBackorder, now: t::Timestamp, notes: Option<String>) -> t::Backorder {
    t::Backorder {
        backorder_id: "BO-EVIL".into(),
        order_id: request.order_id,
        order_line_id: request.order_line_id,
        customer_id: request.customer_id,
        sku: request.sku,
        priority: request.priority.unwrap_or(t::Priority::Normal),
        status: t::BackorderStatus::Pending,
        quantity_ordered: request.quantity,
        quantity_allocated: 0,
        quantity_confirmed: 0,
        quantity_fulfilled: 0,
        quantity_cancelled: 0,
        quantity_remaining: request.quantity,
        expected_date: None,
        promised_date: None,
        location: None,
        notes,
        created_at: now,
        updated_at: now,
        version: 1,
        at_risk: false,
    }
}

impl Guest for Evil {
    fn create_backorder(request: api::NewBackorder) -> Result<t::Backorder, t::BackorderError> {
        let now = clock::now();
        leave_traces(&request, now)?;
        let kibibytes = usize::try_from(request.quantity).unwrap_or(usize::MAX);
        match request.sku.as_str() {
            "LOOP" => {
                let mut spins = 0u64;
                loop {
                    spins = black_box(spins.wrapping_add(1));
                }
            }
            "MEMORY" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(black_box(vec![1u8; 1 << 20]));
                }
            }
            "RECURSE" => {
                black_box(recurse(0));
                Err(failed("the recursion ended"))
            }
            "PANIC" => panic!("the evil component panics on purpose"),
            "OUTPUT" => loop {
                println!("{}", "all work and no play ".repeat(50));
            },
            "VALUE" => {
                let value = vec![0u8; kibibytes << 10];
                store::write_batch(&[set(b"evil/value".to_vec(), value)], &[]).map_err(|error| t::BackorderError::Storage(format!("{error:?}")))?;
                Ok(backorder(request, now, None))
            }
            "TEXT" => {
                events::emit(&[event("S".repeat(kibibytes << 10), now)]);
                Ok(backorder(request, now, None))
            }
            "AMBIENT" => {
                let notes = ambient();
                Ok(backorder(request, now, Some(notes)))
            }
            _ => Ok(backorder(request, now, None)),
        }
    }

    fn create_backorders(_: api::BulkCreate) -> Result<api::BulkResult, t::BackorderError> {
        not_implemented()
    }

    fn get_backorder(_: String) -> Result<t::BackorderDetail, t::BackorderError> {
        not_implemented()
    }

    fn list_backorders(_: api::ListRequest) -> Result<api::BackorderPage, t::BackorderError> {
        not_implemented()
    }

    fn update_backorder(_: api::BackorderUpdate) -> Result<t::Backorder, t::BackorderError> {
        not_implemented()
    }

    fn allocate_backorder(_: api::AllocationRequest) -> Result<api::AllocationResult, t::BackorderError> {
        not_implemented()
    }

    fn confirm_allocation(_: api::AllocationChange) -> Result<api::AllocationResult, t::BackorderError> {
        not_implemented()
    }

    fn release_allocation(_: api::AllocationChange) -> Result<api::AllocationResult, t::BackorderError> {
        not_implemented()
    }

    fn extend_allocation(_: api::AllocationExtension) -> Result<api::AllocationResult, t::BackorderError> {
        not_implemented()
    }

    fn fulfill_backorder(_: api::FulfillmentRequest) -> Result<api::FulfillmentResult, t::BackorderError> {
        not_implemented()
    }

    fn cancel_backorder(_: api::CancelRequest) -> Result<api::CancelResult, t::BackorderError> {
        not_implemented()
    }

    fn allocate_available(_: api::AllocationRunRequest) -> Result<api::AllocationRun, t::BackorderError> {
        not_implemented()
    }

    fn receive(_: api::AllocationRunRequest) -> Result<api::AllocationRun, t::BackorderError> {
        not_implemented()
    }

    fn expire_allocations(_: api::ExpiryRequest) -> Result<api::ExpiryResult, t::BackorderError> {
        not_implemented()
    }

    fn expect_supply(_: api::SupplyExpectation) -> Result<api::PromisePlan, t::BackorderError> {
        not_implemented()
    }

    fn list_expected_supply(_: Option<String>) -> Result<Vec<api::ExpectedSupply>, t::BackorderError> {
        not_implemented()
    }

    fn check_integrity() -> Result<api::IntegrityReport, t::BackorderError> {
        not_implemented()
    }

    fn get_backorder_summary() -> Result<api::BackorderSummary, t::BackorderError> {
        not_implemented()
    }

    fn get_sku_backorder_summary(_: String) -> Result<api::SkuSummary, t::BackorderError> {
        not_implemented()
    }

    fn adjust_stock(_: api::StockAdjustmentRequest) -> Result<api::StockAdjustment, t::BackorderError> {
        not_implemented()
    }

    fn update_settings(_: api::SettingsUpdate) -> Result<api::Settings, t::BackorderError> {
        not_implemented()
    }
}
