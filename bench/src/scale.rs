//! The scale run: many open backorders (imported in batches, one
//! transaction per batch), then the latency of each read and of an
//! allocation run serving 100 backorders of one SKU and its fulfilments.

use std::time::Instant;

use anyhow::{ensure, Result};
use serde_json::{json, Value};

use crate::systems::System;
use crate::workload::{mean_us, order, sku_index, sku_name, urgency, Order};

/// Backorders the allocation run serves.
const SERVED: usize = 100;
/// Calls averaged for each read figure.
const READ_REPETITIONS: usize = 100;

pub fn run(system: &mut dyn System, n: usize, skus: usize, batch: usize) -> Result<Value> {
    // The allocation run's SKU: its backorders' ids and W1 indexes, kept
    // while importing (everything else is forgotten, to keep the process small).
    let target = 0;
    let target_sku = sku_name(target);
    let mut target_backorders: Vec<(usize, String)> = Vec::new();

    let started = Instant::now();
    for first in (0..n).step_by(batch.max(1)) {
        let indexes: Vec<usize> = (first..n.min(first + batch)).collect();
        let orders: Vec<Order> = indexes.iter().map(|&i| order(i, skus)).collect();
        let ids = system.import(&orders)?;
        for (i, id) in indexes.into_iter().zip(ids) {
            if sku_index(i, skus) == target {
                target_backorders.push((i, id));
            }
        }
    }
    let import_s = started.elapsed().as_secs_f64();

    let summary_us = mean_us(READ_REPETITIONS, |_| system.summary().map(drop))?;
    let sku_summary_us = mean_us(READ_REPETITIONS, |k| {
        system.sku_summary(&sku_name(k % skus))
    })?;
    let list_us = mean_us(READ_REPETITIONS, |_| {
        system.list_open(&target_sku, 50).map(drop)
    })?;

    // Stock for exactly the first SERVED backorders of the SKU in
    // allocation order (priority, then creation).
    target_backorders.sort_by_key(|&(i, _)| (urgency(i), i));
    let stock: u64 = target_backorders
        .iter()
        .take(SERVED)
        .map(|&(i, _)| order(i, skus).quantity)
        .sum();
    system.set_stock(&target_sku, stock)?;
    let started = Instant::now();
    let served: Vec<(String, u64)> = system
        .allocate_available(&target_sku)?
        .into_iter()
        .filter(|(_, units)| *units > 0)
        .collect();
    let allocation_run_us = started.elapsed().as_secs_f64() * 1e6;
    ensure!(
        served.len() == SERVED.min(target_backorders.len()),
        "the allocation run served {} backorders, not {SERVED}",
        served.len()
    );

    let mut fulfill_us: Vec<f64> = Vec::with_capacity(served.len());
    for (id, units) in &served {
        let started = Instant::now();
        system.fulfill(id, *units)?;
        fulfill_us.push(started.elapsed().as_secs_f64() * 1e6);
    }
    let summary = system.summary()?;

    Ok(json!({
        "system": system.name(),
        "run": "scale",
        "n": n,
        "skus": skus,
        "import_batch": batch,
        "import_s": import_s,
        "import_ops_per_s": n as f64 / import_s,
        "summary_us": summary_us,
        "sku_summary_us": sku_summary_us,
        "list_us": list_us,
        "allocation_run_us": allocation_run_us,
        "allocation_run_served": served.len(),
        "fulfill_first_us": fulfill_us.first().copied().unwrap_or(0.0),
        "fulfill_mean_us": fulfill_us.iter().sum::<f64>() / fulfill_us.len().max(1) as f64,
        "peak_rss_bytes": crate::peak_rss_bytes(),
        "component_bytes": backorders_host::EMBEDDED_COMPONENT.len(),
        "summary": summary,
    }))
}
