//! The harness every integration test uses: the real component, loaded by
//! the real host, on a real SQLite file in a fresh temporary directory, or
//! on the in-memory provider. Each test file that does not need a file of
//! its own is built twice: as itself, on SQLite, and as `<name>_in_memory`
//! (a file that `include!`s it), on the memory provider.
#![allow(dead_code)]

use backorders_cli::database::ProviderKind;
use backorders_cli::scenario::RunOptions;
use backorders_host::provider::memory::MemoryProvider;
use backorders_host::*;
use std::path::PathBuf;

/// The provider this test binary runs on, from its name.
pub const PROVIDER: ProviderKind = if ends_with(env!("CARGO_CRATE_NAME"), "_in_memory") {
    ProviderKind::Memory
} else {
    ProviderKind::Sqlite
};

const fn ends_with(text: &str, suffix: &str) -> bool {
    let (text, suffix) = (text.as_bytes(), suffix.as_bytes());
    if suffix.len() > text.len() {
        return false;
    }
    let start = text.len() - suffix.len();
    let mut at = 0;
    while at < suffix.len() {
        if text[start + at] != suffix[at] {
            return false;
        }
        at += 1;
    }
    true
}

/// Scenario runs on this binary's provider.
pub fn run_options() -> RunOptions {
    RunOptions {
        provider: PROVIDER,
        ..RunOptions::default()
    }
}

/// Everything a database holds, to compare before and after a call that
/// must change nothing: the SQLite file and its WAL byte for byte, or the
/// memory provider's whole state.
#[derive(Debug, PartialEq, Eq)]
pub enum Snapshot {
    File(Vec<u8>, Option<Vec<u8>>),
    Memory(String),
}

pub const DAY: i64 = 86_400_000;
/// 2026-11-26T00:00:00Z
pub const T0: i64 = 1_795_651_200_000;

pub struct Harness {
    pub engine: Backorders,
    /// The SQLite file; on the memory provider, a path nothing uses.
    pub db_path: PathBuf,
    memory: Option<MemoryProvider>,
    setup: Setup,
    _dir: tempfile::TempDir,
}

/// How a test's handles are made: the component they run (`None`: the one
/// this build embeds) and what is set on each new handle (limits, cache).
pub struct Setup {
    pub component: Option<PathBuf>,
    pub configure: Box<dyn Fn(Backorders) -> Backorders>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            component: None,
            configure: Box::new(|engine| engine),
        }
    }
}

impl Harness {
    pub fn new() -> Self {
        Self::with(Setup::default())
    }

    /// A fresh database on this binary's provider, its handles made by
    /// `setup`.
    pub fn with(setup: Setup) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_path = dir.path().join("backorders.db");
        let memory = (PROVIDER == ProviderKind::Memory).then(MemoryProvider::new);
        Harness {
            engine: handle(&memory, &db_path, &setup),
            db_path,
            memory,
            setup,
            _dir: dir,
        }
    }

    /// The handle, to hand to a server that owns it, and the directory
    /// its database lives in, to keep until the server is done.
    pub fn into_engine(self) -> (Backorders, tempfile::TempDir) {
        (self.engine, self._dir)
    }

    /// A new handle on the same database, as a restarted process would
    /// have.
    pub fn reopen(&mut self) {
        self.engine = handle(&self.memory, &self.db_path, &self.setup);
    }

    pub fn at(&mut self, now: Timestamp) {
        self.engine.pin_clock(now);
    }

    pub fn create(&mut self, sku: &str, quantity: u64, priority: Priority) -> Backorder {
        self.create_with(NewBackorder {
            sku: sku.into(),
            quantity,
            priority: Some(priority),
            ..new_backorder()
        })
    }

    pub fn create_with(&mut self, request: NewBackorder) -> Backorder {
        let outcome = self
            .engine
            .create_backorder(&request, Mode::Apply)
            .expect("create");
        assert!(outcome.applied);
        outcome.value
    }

    pub fn stock(&mut self, sku: &str, quantity: u64) {
        self.engine
            .stock_add(sku, None, quantity, Mode::Apply)
            .expect("stock add");
    }

    /// `on_hand` units of `SKU` in stock and a backorder for `ordered` of
    /// them at `priority`, `allocated` of them allocated from that stock:
    /// the backorder's id and the allocation's.
    pub fn allocated_backorder(
        &mut self,
        on_hand: u64,
        ordered: u64,
        priority: Priority,
        allocated: u64,
    ) -> (String, String) {
        self.stock("SKU", on_hand);
        let id = self.create("SKU", ordered, priority).backorder_id;
        let allocation = self.allocate(&id, allocated).unwrap().allocation;
        (id, allocation.allocation_id)
    }

    /// Applies one write of the library (`Backorders::allocate_backorder`,
    /// …) to `request`: its value, or the domain error it was refused with.
    pub fn apply<Request, T>(
        &mut self,
        call: impl FnOnce(&Backorders, &Request, Mode) -> Result<Outcome<T>, CallError>,
        request: Request,
    ) -> Result<T, BackorderError> {
        domain(call(&self.engine, &request, Mode::Apply))
    }

    pub fn allocate(&mut self, id: &str, quantity: u64) -> Result<AllocationResult, BackorderError> {
        self.apply(Backorders::allocate_backorder, allocation(id, quantity))
    }

    pub fn fulfill(&mut self, id: &str, quantity: u64) -> Result<FulfillmentResult, BackorderError> {
        self.apply(Backorders::fulfill_backorder, fulfillment(id, quantity))
    }

    pub fn cancel(&mut self, id: &str, quantity: Option<u64>) -> Result<CancelResult, BackorderError> {
        self.apply(Backorders::cancel_backorder, cancellation(id, quantity))
    }

    /// Creates one backorder of `SKU` per line, in order: their ids.
    pub fn create_each<const N: usize>(&mut self, lines: [(u64, Priority); N]) -> [String; N] {
        lines.map(|(quantity, priority)| self.create("SKU", quantity, priority).backorder_id)
    }

    pub fn get(&mut self, id: &str) -> BackorderDetail {
        self.engine.get_backorder(id).expect("get")
    }

    pub fn backorder(&mut self, id: &str) -> Backorder {
        self.get(id).backorder
    }

    pub fn status(&mut self, id: &str) -> BackorderStatus {
        self.backorder(id).status
    }

    /// Every byte the database keeps: the main file and, if present, the
    /// WAL; or the memory provider's state.
    pub fn db_files(&self) -> Snapshot {
        match &self.memory {
            Some(memory) => Snapshot::Memory(memory.fingerprint()),
            None => {
                let wal = self.db_path.with_extension("db-wal");
                Snapshot::File(
                    std::fs::read(&self.db_path).expect("read db"),
                    std::fs::read(wal).ok(),
                )
            }
        }
    }
}

/// A handle on the memory provider when there is one, else on the file.
fn handle(memory: &Option<MemoryProvider>, db_path: &std::path::Path, setup: &Setup) -> Backorders {
    let options = Options {
        component: setup.component.clone(),
        now: Some(T0),
    };
    (setup.configure)(match memory {
        Some(memory) => Backorders::new(memory.clone(), options),
        None => backorders_sqlite::open(db_path, options),
    })
}

/// The domain error of a call, or its value; a host failure fails the test.
pub fn domain<T>(result: Result<Outcome<T>, CallError>) -> Result<T, BackorderError> {
    match result {
        Ok(outcome) => Ok(outcome.value),
        Err(CallError::Domain(error)) => Err(error),
        Err(CallError::Host(error)) => panic!("host failure: {error}"),
    }
}

pub fn read<T>(result: Result<T, CallError>) -> Result<T, BackorderError> {
    match result {
        Ok(value) => Ok(value),
        Err(CallError::Domain(error)) => Err(error),
        Err(CallError::Host(error)) => panic!("host failure: {error}"),
    }
}

pub fn new_backorder() -> NewBackorder {
    NewBackorder::new("O-1", "C-1", "WIDGET-001", 10)
}

pub fn allocation(id: &str, quantity: u64) -> AllocationRequest {
    AllocationRequest::from_stock(id, quantity)
}

pub fn fulfillment(id: &str, quantity: u64) -> FulfillmentRequest {
    FulfillmentRequest::from_stock(id, quantity)
}

/// Cancel `quantity` units of `id`, or all it still owes.
pub fn cancellation(id: &str, quantity: Option<u64>) -> CancelRequest {
    CancelRequest {
        backorder_id: id.into(),
        quantity,
        reason: None,
        request_id: None,
        expected_version: None,
    }
}

pub fn list() -> ListRequest {
    ListRequest::all()
}

pub fn update(id: &str) -> BackorderUpdate {
    BackorderUpdate::new(id)
}

pub fn run(sku: &str, policy: AllocationPolicy) -> AllocationRunRequest {
    AllocationRunRequest {
        policy: Some(policy),
        ..AllocationRunRequest::from_stock(sku)
    }
}

pub fn change(id: &str) -> AllocationChange {
    AllocationChange {
        allocation_id: id.into(),
        request_id: None,
        expected_version: None,
    }
}

pub fn extension(id: &str, expires_at: Timestamp) -> AllocationExtension {
    AllocationExtension {
        allocation_id: id.into(),
        expires_at,
        request_id: None,
        expected_version: None,
    }
}

pub fn expiry(reallocate: bool) -> ExpiryRequest {
    ExpiryRequest {
        reallocate,
        request_id: None,
    }
}

/// The field an `invalid-input` error names.
pub fn field(error: BackorderError) -> String {
    match error {
        BackorderError::InvalidInput(e) => e.field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}
