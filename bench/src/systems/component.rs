//! The real component through the real host: `Backorders` over a provider,
//! a fresh sandboxed instance per call.

use anyhow::Result;
use backorders_cli::json;
use backorders_component::domain::limits::MAX_BULK_ITEMS;
use backorders_host::{
    AllocationPolicy, AllocationRunRequest, Backorders, BulkCreate, CallError, FulfillmentRequest,
    ListRequest, Mode, NewBackorder, Options, Priority,
};
use serde_json::Value;

use super::{Counters, Storage, System};
use crate::workload::{Order, Urgency};

pub struct ComponentSystem {
    backorders: Backorders,
    storage: Storage,
}

impl ComponentSystem {
    /// Opens the database and loads the component (`component`, else the
    /// embedded one; from the compile cache when it is warm), so no phase
    /// pays for compiling it.
    pub fn open(storage: &Storage, component: Option<std::path::PathBuf>) -> Result<Self> {
        let backorders = Backorders::with_provider(storage.provider(), Options { component, ..Options::default() });
        backorders.load_component()?;
        Ok(Self {
            backorders,
            storage: storage.clone(),
        })
    }

    /// The handle, for work beyond the W1 operations (the contention run).
    pub fn backorders(&self) -> &Backorders {
        &self.backorders
    }
}

/// A W1 order as the host's create request.
pub fn new_backorder(order: &Order) -> NewBackorder {
    let priority = match order.urgency {
        Urgency::Critical => Priority::Critical,
        Urgency::High => Priority::High,
        Urgency::Normal => Priority::Normal,
        Urgency::Low => Priority::Low,
    };
    NewBackorder {
        priority: Some(priority),
        ..NewBackorder::new(&order.order_id, &order.customer_id, &order.sku, order.quantity)
    }
}

/// Creates one W1 backorder through `handle`; returns its id.
pub fn create(handle: &Backorders, order: &Order) -> Result<String> {
    let created = handle.create_backorder(&new_backorder(order), Mode::Apply)?;
    Ok(created.value.backorder_id)
}

/// Ships `quantity` units of a backorder from inventory through `handle`.
pub fn fulfill(handle: &Backorders, backorder_id: &str, quantity: u64) -> Result<()> {
    let request = FulfillmentRequest {
        fulfilled_by: Some("bench".into()),
        ..FulfillmentRequest::from_stock(backorder_id, quantity)
    };
    handle.fulfill_backorder(&request, Mode::Apply)?;
    Ok(())
}

impl System for ComponentSystem {
    fn name(&self) -> &'static str {
        "backorders-component"
    }

    fn counters(&self) -> Counters {
        Counters {
            round_trips: self.storage.round_trips(),
            conflict_retries: self.backorders.conflict_retries(),
        }
    }

    fn create(&mut self, order: &Order) -> Result<String> {
        create(&self.backorders, order)
    }

    /// `create-backorders` calls of up to `MAX_BULK_ITEMS` each, all or
    /// nothing, in one transaction.
    fn import(&mut self, orders: &[Order]) -> Result<Vec<String>> {
        let requests: Vec<BulkCreate> = orders
            .chunks(MAX_BULK_ITEMS)
            .map(|chunk| BulkCreate {
                items: chunk.iter().map(new_backorder).collect(),
                all_or_nothing: true,
            })
            .collect();
        let outcome = self.backorders.create_backorders_in_one(&requests, Mode::Apply)?;
        let results = outcome.value.into_iter().flat_map(|call| call.results);
        results
            .map(|result| Ok(result.map_err(CallError::Domain)?.backorder_id))
            .collect()
    }

    fn set_stock(&mut self, sku: &str, on_hand: u64) -> Result<()> {
        self.backorders.stock_set(sku, None, on_hand, Mode::Apply)?;
        Ok(())
    }

    fn allocate_available(&mut self, sku: &str) -> Result<Vec<(String, u64)>> {
        let request = AllocationRunRequest {
            policy: Some(AllocationPolicy::StrictPriority),
            ..AllocationRunRequest::from_stock(sku)
        };
        let run = self.backorders.allocate_available(&request, Mode::Apply)?;
        let lines = run.value.lines.into_iter();
        Ok(lines
            .map(|line| (line.backorder_id, line.allocated))
            .collect())
    }

    fn fulfill(&mut self, backorder_id: &str, quantity: u64) -> Result<()> {
        fulfill(&self.backorders, backorder_id, quantity)
    }

    fn summary(&mut self) -> Result<Value> {
        Ok(json::summary(&self.backorders.backorder_summary()?))
    }

    fn sku_summary(&mut self, sku: &str) -> Result<()> {
        self.backorders.sku_summary(sku)?;
        Ok(())
    }

    fn list_open(&mut self, sku: &str, limit: u32) -> Result<usize> {
        let request = open_page(sku, limit);
        Ok(self.backorders.list_backorders(&request)?.backorders.len())
    }
}

/// The first page of a SKU's open backorders, as W1 lists them.
pub fn open_page(sku: &str, limit: u32) -> ListRequest {
    ListRequest {
        sku: Some(sku.to_owned()),
        open_only: true,
        limit: Some(limit),
        ..ListRequest::all()
    }
}
