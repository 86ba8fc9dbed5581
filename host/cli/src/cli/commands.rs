//! The table commands, in the order `--help` lists them: each operation's
//! name on the command line and the human text of its result. Their
//! flags, help, checks, requests and JSON are the operations table's.

use backorders_cli::operations::{
    Integrity, ALLOCATE_AVAILABLE, ALLOCATE_BACKORDER, CANCEL_BACKORDER, CHECK_INTEGRITY,
    CONFIRM_ALLOCATION, CREATE_BACKORDER, EXPECT_SUPPLY, EXPIRE_ALLOCATIONS, EXTEND_ALLOCATION,
    FULFILL_BACKORDER, GET_BACKORDER, GET_BACKORDER_SUMMARY, GET_SKU_BACKORDER_SUMMARY,
    LIST_BACKORDERS, LIST_EXPECTED_SUPPLY, RECEIVE, RELEASE_ALLOCATION, STOCK_ADD, STOCK_SET,
    UPDATE_BACKORDER,
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
pub static LIST: Entry<ListRequest, BackorderPage> = Entry {
    name: "list",
    op: &LIST_BACKORDERS,
    human: list::page,
};
pub static SUMMARY: Entry<(), BackorderSummary> = Entry {
    name: "summary",
    op: &GET_BACKORDER_SUMMARY,
    human: summary::overall,
};
pub static SKU_SUMMARY: Entry<String, SkuSummary> = Entry {
    name: "sku-summary",
    op: &GET_SKU_BACKORDER_SUMMARY,
    human: summary::sku,
};

/// `backorders check`, which is not a table command: it also sets the
/// exit code.
pub static CHECK: Entry<(), Integrity> = Entry {
    name: "check",
    op: &CHECK_INTEGRITY,
    human: check::report,
};

static TOP: &[&dyn Command] = &[
    &Entry {
        name: "create",
        op: &CREATE_BACKORDER,
        human: render::card,
    },
    &Entry {
        name: "show",
        op: &GET_BACKORDER,
        human: render::detail,
    },
    &LIST,
    &Entry {
        name: "update",
        op: &UPDATE_BACKORDER,
        human: render::card,
    },
    &Entry {
        name: "allocate",
        op: &ALLOCATE_BACKORDER,
        human: render::allocation_result,
    },
    &Entry {
        name: "confirm",
        op: &CONFIRM_ALLOCATION,
        human: render::allocation_result,
    },
    &Entry {
        name: "release",
        op: &RELEASE_ALLOCATION,
        human: render::allocation_result,
    },
    &Entry {
        name: "extend",
        op: &EXTEND_ALLOCATION,
        human: render::allocation_result,
    },
    &Entry {
        name: "fulfill",
        op: &FULFILL_BACKORDER,
        human: render::fulfillment_result,
    },
    &Entry {
        name: "cancel",
        op: &CANCEL_BACKORDER,
        human: render::cancel_result,
    },
    &Entry {
        name: "receive",
        op: &RECEIVE,
        human: run::run_text,
    },
    &Entry {
        name: "allocate-available",
        op: &ALLOCATE_AVAILABLE,
        human: run::run_text,
    },
    &Entry {
        name: "expire",
        op: &EXPIRE_ALLOCATIONS,
        human: run::expiry_text,
    },
    &Entry {
        name: "expect",
        op: &EXPECT_SUPPLY,
        human: supply::plan,
    },
    &Entry {
        name: "expected",
        op: &LIST_EXPECTED_SUPPLY,
        human: |list| supply::supplies(list),
    },
    &SUMMARY,
    &SKU_SUMMARY,
];

static STOCK: &[&dyn Command] = &[
    &Entry {
        name: "set",
        op: &STOCK_SET,
        human: stock::level,
    },
    &Entry {
        name: "add",
        op: &STOCK_ADD,
        human: stock::level,
    },
];
