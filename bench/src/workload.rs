//! Workload W1 of `shared/bench/WORKLOAD.md`, exactly: its inputs, its
//! phases, and the one JSON line it prints.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::Result;
use serde_json::{json, Value};

use crate::systems::{Counters, System};

/// How urgent a W1 backorder is; each system maps it onto its own enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Critical,
    High,
    Normal,
    Low,
}

/// One W1 backorder to create.
#[derive(Clone, Debug)]
pub struct Order {
    pub order_id: String,
    pub customer_id: String,
    pub sku: String,
    pub quantity: u64,
    pub urgency: Urgency,
}

/// Ten consecutive backorders share a SKU, so every SKU holds every priority.
pub fn sku_index(i: usize, skus: usize) -> usize {
    (i / 10) % skus
}

pub fn sku_name(k: usize) -> String {
    format!("SKU-{k:04}")
}

pub fn quantity(i: usize) -> u64 {
    1 + (i as u64 * 7919 % 100)
}

pub fn urgency(i: usize) -> Urgency {
    match i % 10 {
        0 => Urgency::Critical,
        1 | 2 => Urgency::High,
        3..=8 => Urgency::Normal,
        _ => Urgency::Low,
    }
}

pub fn order(i: usize, skus: usize) -> Order {
    Order {
        order_id: format!("O-{i}"),
        customer_id: format!("C-{}", i % 1000),
        sku: sku_name(sku_index(i, skus)),
        quantity: quantity(i),
        urgency: urgency(i),
    }
}

/// Mean in microseconds of `repetitions` calls of `call`.
pub fn mean_us(repetitions: usize, mut call: impl FnMut(usize) -> Result<()>) -> Result<f64> {
    let started = Instant::now();
    for k in 0..repetitions {
        call(k)?;
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / repetitions.max(1) as f64)
}

/// Runs W1 with `n` backorders over `skus` SKUs and returns its JSON line.
pub fn run(system: &mut dyn System, n: usize, skus: usize) -> Result<Value> {
    let orders: Vec<Order> = (0..n).map(|i| order(i, skus)).collect();
    let sku_names: Vec<String> = (0..skus).map(sku_name).collect();

    // Round trips per phase, where the system has a server.
    let mut mark = system.counters();
    let mut round_trips = Vec::new();

    // ---- create: one call each ----
    let started = Instant::now();
    let mut ids = Vec::with_capacity(n);
    for order in &orders {
        ids.push(system.create(order)?);
    }
    let create_s = started.elapsed().as_secs_f64();
    round_trips.push(("pg_round_trips_per_create", round_trips_since(system, &mut mark), n));

    // ---- stock: half of each SKU's backordered units ----
    let mut demand = vec![0u64; skus];
    for order_index in 0..n {
        demand[sku_index(order_index, skus)] += quantity(order_index);
    }
    let started = Instant::now();
    for (k, sku) in sku_names.iter().enumerate() {
        system.set_stock(sku, demand[k] / 2)?;
    }
    let stock_setup_s = started.elapsed().as_secs_f64();

    // ---- receive: one allocation run per SKU ----
    let mut allocated_to: HashMap<String, u64> = HashMap::new();
    let (mut allocations, mut allocated_quantity) = (0u64, 0u64);
    round_trips_since(system, &mut mark);
    let started = Instant::now();
    for sku in &sku_names {
        let served = system
            .allocate_available(sku)?
            .into_iter()
            .filter(|(_, units)| *units > 0);
        for (backorder_id, units) in served {
            allocations += 1;
            allocated_quantity += units;
            *allocated_to.entry(backorder_id).or_default() += units;
        }
    }
    let receive_s = started.elapsed().as_secs_f64();
    round_trips.push(("pg_round_trips_per_receive", round_trips_since(system, &mut mark), skus));
    let priority_respected = priority_respected(&ids, &allocated_to, skus);

    // ---- fulfil: what each backorder got, one call each ----
    let mut fulfilled = 0u64;
    let started = Instant::now();
    for id in &ids {
        if let Some(&units) = allocated_to.get(id) {
            system.fulfill(id, units)?;
            fulfilled += 1;
        }
    }
    let fulfill_s = started.elapsed().as_secs_f64();
    let fulfils = fulfilled as usize;
    round_trips.push(("pg_round_trips_per_fulfill", round_trips_since(system, &mut mark), fulfils));

    // ---- summaries and lists ----
    let summary_us = mean_us(100, |_| system.summary().map(drop))?;
    let sku_summary_us = mean_us(skus, |k| system.sku_summary(&sku_names[k]))?;
    let list_us = mean_us(skus, |k| system.list_open(&sku_names[k], 50).map(drop))?;
    let summary = system.summary()?;

    let mut line = json!({
        "system": system.name(),
        "n": n,
        "skus": skus,
        "create_s": create_s,
        "create_ops_per_s": n as f64 / create_s,
        "stock_setup_s": stock_setup_s,
        "receive_s": receive_s,
        "allocations": allocations,
        "allocated_quantity": allocated_quantity,
        "fulfill_s": fulfill_s,
        "fulfilled": fulfilled,
        "fulfill_ops_per_s": fulfilled as f64 / fulfill_s,
        "summary_us": summary_us,
        "sku_summary_us": sku_summary_us,
        "list_us": list_us,
        "priority_respected": priority_respected,
        "summary": summary,
    });
    // Beyond W1's keys, only where there is a server to count for.
    if mark.round_trips.is_some() {
        for (key, trips, operations) in round_trips {
            line[key] = json!(trips.unwrap_or(0) as f64 / operations.max(1) as f64);
        }
        line["pg_conflict_retries"] = json!(system.counters().conflict_retries);
    }
    Ok(line)
}

/// Round trips since `mark`, moving it to now; none without a server.
fn round_trips_since(system: &dyn System, mark: &mut Counters) -> Option<u64> {
    let now = system.counters();
    let trips = now
        .round_trips
        .zip(mark.round_trips)
        .map(|(now, then)| now - then);
    *mark = now;
    trips
}

/// Per SKU, in the documented allocation order (priority, then creation):
/// no backorder got units while a more urgent one was left short.
fn priority_respected(ids: &[String], allocated_to: &HashMap<String, u64>, skus: usize) -> bool {
    let mut short_urgency: Vec<Option<Urgency>> = vec![None; skus];
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| (urgency(i), i));
    let mut respected = true;
    for i in order {
        let k = sku_index(i, skus);
        let got = allocated_to.get(&ids[i]).copied().unwrap_or(0);
        if got > 0 && short_urgency[k].is_some_and(|short| short < urgency(i)) {
            respected = false;
        }
        if got < quantity(i) && short_urgency[k].is_none() {
            short_urgency[k] = Some(urgency(i));
        }
    }
    respected
}
