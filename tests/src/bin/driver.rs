//! A small driver for the crash and concurrency tests: a host process doing
//! writes through the library, printing one line per acknowledged write so
//! the test knows exactly what it was promised.
//!
//! `driver writes DB START` — from START on, forever: create a backorder
//! (request id `w-N`), add 2 units of stock, ship them; print `created N ID`,
//! `stocked N`, `shipped N ID` after each commit.
//! `driver contend DB SEED ROUNDS BACKORDERS` — ROUNDS random allocations,
//! fulfilments and allocation runs on SKU `SCARCE`; prints `host-error …`
//! for any failure of the host (a lock that surfaced, a trap), `done` at the end.

use backorders_host::*;
use std::io::Write;
use std::path::PathBuf;

/// 2026-11-26T00:00:00Z
const T0: i64 = 1_795_651_200_000;

fn engine(db: &str) -> Backorders {
    backorders_sqlite::open(PathBuf::from(db), Options {  component: None, now: Some(T0) })
}

fn say(line: String) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush()).expect("stdout");
}

fn writes(db: &str, start: u64) {
    let engine = engine(db);
    for n in start.. {
        let request = NewBackorder {
            priority: Some(Priority::Normal),
            request_id: Some(format!("w-{n}")),
            ..NewBackorder::new(&format!("O-{n}"), "C-CRASH", "CRASH", 2)
        };
        let id = engine.create_backorder(&request, Mode::Apply).expect("create").value.backorder_id;
        say(format!("created {n} {id}"));
        engine.stock_add("CRASH", None, 2, Mode::Apply).expect("stock");
        say(format!("stocked {n}"));
        let ship = FulfillmentRequest {
            override_priority: true,
            request_id: Some(format!("f-{n}")),
            ..FulfillmentRequest::from_stock(&id, 2)
        };
        engine.fulfill_backorder(&ship, Mode::Apply).expect("fulfil");
        say(format!("shipped {n} {id}"));
    }
}

/// A tiny deterministic generator: the test passes the seed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn contend(db: &str, seed: u64, rounds: u64, backorders: u64) {
    let engine = engine(db);
    let mut random = Lcg(seed);
    for _ in 0..rounds {
        let id = format!("BO-2026-{:04}", 1 + random.next(backorders));
        let result = match random.next(3) {
            0 => {
                let request = AllocationRequest {
                    override_priority: true,
                    ..AllocationRequest::from_stock(&id, 1 + random.next(5))
                };
                engine.allocate_backorder(&request, Mode::Apply).map(drop)
            }
            1 => {
                let request = FulfillmentRequest {
                    override_priority: true,
                    ..FulfillmentRequest::from_stock(&id, 1 + random.next(3))
                };
                engine.fulfill_backorder(&request, Mode::Apply).map(drop)
            }
            _ => {
                let request = AllocationRunRequest::from_stock("SCARCE");
                engine.allocate_available(&request, Mode::Apply).map(drop)
            }
        };
        match result {
            // Refusals are the domain at work (no stock left, closed, …).
            Ok(()) | Err(CallError::Domain(_)) => {}
            Err(CallError::Host(error)) => say(format!("host-error {error}")),
        }
    }
    say("done".into());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok()).expect("a number argument");
    match args.get(1).map(String::as_str) {
        Some("writes") => writes(&args[2], number(3)),
        Some("contend") => contend(&args[2], number(3), number(4), number(5)),
        _ => {
            eprintln!("usage: driver writes DB START | driver contend DB SEED ROUNDS BACKORDERS");
            std::process::exit(2);
        }
    }
}
