//! Workload W1 of `shared/bench/WORKLOAD.md`, exactly: its inputs, its
//! phases, and the one JSON line it prints.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{json, Value};

use crate::systems::System;

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

    // Where each phase's time went, reported where there is a server.
    let mut phases = serde_json::Map::new();

    // ---- create: one call each ----
    let meter = Meter::start(system);
    let started = Instant::now();
    let mut ids = Vec::with_capacity(n);
    for order in &orders {
        ids.push(system.create(order)?);
    }
    let create_s = started.elapsed().as_secs_f64();
    phases.insert("create".into(), meter.per_call(system, n));

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
    let meter = Meter::start(system);
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
    phases.insert("receive".into(), meter.per_call(system, skus));
    let priority_respected = priority_respected(&ids, &allocated_to, skus);

    // ---- fulfil: what each backorder got, one call each ----
    let mut fulfilled = 0u64;
    let meter = Meter::start(system);
    let started = Instant::now();
    for id in &ids {
        if let Some(&units) = allocated_to.get(id) {
            system.fulfill(id, units)?;
            fulfilled += 1;
        }
    }
    let fulfill_s = started.elapsed().as_secs_f64();
    phases.insert("fulfill".into(), meter.per_call(system, fulfilled as usize));

    // ---- summaries and lists ----
    let meter = Meter::start(system);
    let summary_us = mean_us(SUMMARIES, |_| system.summary().map(drop))?;
    phases.insert("summary".into(), meter.per_call(system, SUMMARIES));
    let meter = Meter::start(system);
    let sku_summary_us = mean_us(skus, |k| system.sku_summary(&sku_names[k]))?;
    phases.insert("sku_summary".into(), meter.per_call(system, skus));
    let meter = Meter::start(system);
    let list_us = mean_us(skus, |k| system.list_open(&sku_names[k], 50).map(drop))?;
    phases.insert("list".into(), meter.per_call(system, skus));
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
    let counters = system.counters();
    if counters.round_trips.is_some() {
        line["pg_phases"] = Value::Object(phases);
        line["pg_conflict_retries"] = json!(counters.conflict_retries);
    }
    Ok(line)
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

/// Overall summaries W1 times.
const SUMMARIES: usize = 100;

/// Where a phase's time went beside its wall time: this process's CPU time
/// (guest, host and database client: the rest of the wall time is spent
/// waiting for the server) and the round trips to the server.
struct Meter {
    started: Instant,
    cpu: Duration,
    round_trips: Option<u64>,
}

impl Meter {
    fn start(system: &dyn System) -> Self {
        Self {
            started: Instant::now(),
            cpu: process_cpu_time(),
            round_trips: system.counters().round_trips,
        }
    }

    /// The phase's figures, per call, from its start to now.
    fn per_call(self, system: &dyn System, calls: usize) -> Value {
        let per_call = |total: f64| total / calls.max(1) as f64;
        let round_trips = system
            .counters()
            .round_trips
            .zip(self.round_trips)
            .map(|(now, then)| per_call((now - then) as f64));
        json!({
            "calls": calls,
            "wall_us": per_call(self.started.elapsed().as_secs_f64() * 1e6),
            "client_cpu_us": per_call((process_cpu_time() - self.cpu).as_secs_f64() * 1e6),
            "round_trips": round_trips,
        })
    }
}

/// CPU time this process has used so far, all threads.
pub fn process_cpu_time() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}
