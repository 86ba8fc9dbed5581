//! The real component through the real host: `Backorders` on a SQLite file,
//! a fresh sandboxed instance per call.

use std::path::Path;

use anyhow::Result;
use backorders_cli::json;
use backorders_host::{AllocationPolicy, AllocationRunRequest, Backorders, FulfillmentRequest, ListRequest, Mode, NewBackorder, Options, Priority, SourceKind};
use serde_json::Value;

use super::System;
use crate::workload::{Order, Urgency};

pub struct ComponentSystem {
    backorders: Backorders,
}

impl ComponentSystem {
    /// Opens the database and loads the component (from the compile cache
    /// when it is warm), so no phase pays for compiling it.
    pub fn open(db_path: &Path) -> Result<Self> {
        let backorders = backorders_sqlite::open(db_path.to_path_buf(), Options {
            
            component: None,
            now: None,
        });
        backorders.load_component()?;
        Ok(Self { backorders })
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
        order_id: order.order_id.clone(),
        order_line_id: None,
        customer_id: order.customer_id.clone(),
        sku: order.sku.clone(),
        quantity: order.quantity,
        priority: Some(priority),
        expected_date: None,
        promised_date: None,
        location: None,
        notes: None,
        request_id: None,
    }
}

impl System for ComponentSystem {
    fn name(&self) -> &'static str {
        "backorders-component"
    }

    fn create(&mut self, order: &Order) -> Result<String> {
        let created = self
            .backorders
            .create_backorder(&new_backorder(order), Mode::Apply)?;
        Ok(created.value.backorder_id)
    }

    fn import(&mut self, orders: &[Order]) -> Result<Vec<String>> {
        let requests: Vec<NewBackorder> = orders.iter().map(new_backorder).collect();
        let created = self.backorders.import_backorders(&requests)?;
        Ok(created.into_iter().map(|b| b.backorder_id).collect())
    }

    fn set_stock(&mut self, sku: &str, on_hand: u64) -> Result<()> {
        self.backorders.stock_set(sku, None, on_hand, Mode::Apply)?;
        Ok(())
    }

    fn allocate_available(&mut self, sku: &str) -> Result<Vec<(String, u64)>> {
        let request = AllocationRunRequest {
            sku: sku.to_owned(),
            location: None,
            policy: Some(AllocationPolicy::StrictPriority),
            source: SourceKind::Inventory,
            source_ref: None,
            expires_at: None,
            received: None,
            request_id: None,
        };
        let run = self.backorders.allocate_available(&request, Mode::Apply)?;
        let lines = run.value.lines.into_iter();
        Ok(lines
            .map(|line| (line.backorder_id, line.allocated))
            .collect())
    }

    fn fulfill(&mut self, backorder_id: &str, quantity: u64) -> Result<()> {
        let request = FulfillmentRequest {
            backorder_id: backorder_id.to_owned(),
            quantity,
            source: SourceKind::Inventory,
            source_ref: None,
            fulfilled_by: Some("bench".into()),
            notes: None,
            override_priority: false,
            request_id: None,
            expected_version: None,
        };
        self.backorders.fulfill_backorder(&request, Mode::Apply)?;
        Ok(())
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
        status: None,
        priority: None,
        customer_id: None,
        order_id: None,
        open_only: true,
        overdue_only: false,
        expected_before: None,
        limit: Some(limit),
        cursor: None,
    }
}
