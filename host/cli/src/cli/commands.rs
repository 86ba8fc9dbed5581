//! The table commands, in the order `--help` lists them: each operation's
//! name on the command line and the human text of its result. Their
//! flags, help, checks, requests and JSON are the operations table's.

use backorders_cli::operations::{
    Integrity, ALLOCATE_AVAILABLE, ALLOCATE_BACKORDER, CANCEL_BACKORDER, CHECK_INTEGRITY,
    CONFIRM_ALLOCATION, CREATE_BACKORDER, EXPECT_SUPPLY, EXPIRE_ALLOCATIONS, EXTEND_ALLOCATION,
    FULFILL_BACKORDER, GET_BACKORDER, GET_BACKORDER_SUMMARY, GET_SKU_BACKORDER_SUMMARY,
    LIST_BACKORDERS, LIST_EXPECTED_SUPPLY, RECEIVE, RELEASE_ALLOCATION, STOCK_ADD, STOCK_ADJUST,
    STOCK_SET, UPDATE_BACKORDER, UPDATE_SETTINGS,
};
use backorders_host::{BackorderPage, BackorderSummary, ListRequest, SkuSummary};

use super::operation::{Command, Entry, Group};
use super::{check, list, render, run, stock, summary, supply};

/// The commands under `backorders` itself.
pub struct Top;

/// The commands under `backorders stock`, beside `stock show`.
pub struct Stock;

impl Group for Top {
    fn commands() -> &'static [&'static dyn Command] {
        TOP
    }
}

impl Group for Stock {
    fn commands() -> &'static [&'static dyn Command] {
        STOCK
    }
}

// The demo prints these three as the commands do.
pub static LIST: Entry<ListRequest, BackorderPage> =
    Entry::new("list", &LIST_BACKORDERS, list::page);
pub static SUMMARY: Entry<(), BackorderSummary> =
    Entry::new("summary", &GET_BACKORDER_SUMMARY, summary::overall);
pub static SKU_SUMMARY: Entry<String, SkuSummary> =
    Entry::new("sku-summary", &GET_SKU_BACKORDER_SUMMARY, summary::sku);

/// `backorders check`, which is not a table command: it also sets the
/// exit code.
pub static CHECK: Entry<(), Integrity> = Entry::new("check", &CHECK_INTEGRITY, check::report);

static TOP: &[&dyn Command] = &[
    &Entry::new("create", &CREATE_BACKORDER, render::card),
    &Entry::new("show", &GET_BACKORDER, render::detail),
    &LIST,
    &Entry::new("update", &UPDATE_BACKORDER, render::card),
    &Entry::new("allocate", &ALLOCATE_BACKORDER, render::allocation_result),
    &Entry::new("confirm", &CONFIRM_ALLOCATION, render::allocation_result),
    &Entry::new("release", &RELEASE_ALLOCATION, render::allocation_result),
    &Entry::new("extend", &EXTEND_ALLOCATION, render::allocation_result),
    &Entry::new("fulfill", &FULFILL_BACKORDER, render::fulfillment_result),
    &Entry::new("cancel", &CANCEL_BACKORDER, render::cancel_result),
    &Entry::new("receive", &RECEIVE, run::run_text),
    &Entry::new("allocate-available", &ALLOCATE_AVAILABLE, run::run_text),
    &Entry::new("expire", &EXPIRE_ALLOCATIONS, run::expiry_text),
    &Entry::new("expect", &EXPECT_SUPPLY, supply::plan),
    &Entry::new("expected", &LIST_EXPECTED_SUPPLY, |list| {
        supply::supplies(list)
    }),
    &SUMMARY,
    &SKU_SUMMARY,
    &Entry::new("settings", &UPDATE_SETTINGS, |settings| format!("timezone: {}\n", settings.timezone)),
];

static STOCK: &[&dyn Command] = &[
    &Entry::new("set", &STOCK_SET, stock::adjustment),
    &Entry::new("add", &STOCK_ADD, stock::level),
    &Entry::new("adjust", &STOCK_ADJUST, stock::adjustment),
];
