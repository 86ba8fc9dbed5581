//! Loads a component once and runs each call in a fresh instance of it.
//!
//! One `wasmtime::Engine` and one pre-linked `InstancePre` per loaded
//! component; every call gets a new `Store` and instance, so no state leaks
//! from one call to the next. Compilation is its own step (`compile`) so an
//! on-disk cache of compiled components can slot in there later.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Store};

use crate::bindings::Guest;
use crate::bindings::{EnginePre, EngineWorld};
use crate::context::CallContext;
use crate::error::HostError;
use crate::provider::{Backend, Clock};
use crate::EMBEDDED_COMPONENT;

/// Instructions (roughly) one call may execute before it traps: seconds of
/// CPU, far above what any operation needs, so a runaway loop ends.
pub const FUEL_PER_CALL: u64 = 10_000_000_000;

/// Most wasm stack one call may use.
pub const MAX_WASM_STACK_BYTES: usize = 512 << 10;

/// Most characters of the component's stderr quoted in a trap report.
const TRAP_STDERR_CHARS: usize = 2_000;

/// Where the component's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComponentSource {
    /// The component this host was built with.
    Embedded,
    /// A component file, e.g. a newer build of the guest.
    File(PathBuf),
}

impl ComponentSource {
    fn bytes(&self) -> Result<Cow<'static, [u8]>, HostError> {
        match self {
            Self::Embedded => Ok(Cow::Borrowed(EMBEDDED_COMPONENT)),
            Self::File(path) => {
                std::fs::read(path)
                    .map(Cow::Owned)
                    .map_err(|source| HostError::ReadComponent {
                        path: path.clone(),
                        source,
                    })
            }
        }
    }
}

/// A loaded component, ready to run calls against backends of type `B`.
pub struct Runtime<B: Backend> {
    pre: EnginePre<CallContext<B>>,
}

fn load_error(error: wasmtime::Error) -> HostError {
    HostError::LoadComponent {
        reason: format!("{error:#}"),
    }
}

/// Compiles the component for `engine`.
fn compile(engine: &wasmtime::Engine, bytes: &[u8]) -> Result<Component, HostError> {
    Component::from_binary(engine, bytes).map_err(load_error)
}

impl<B: Backend> Runtime<B> {
    pub fn load(source: &ComponentSource) -> Result<Self, HostError> {
        let mut config = Config::new();
        config
            .consume_fuel(true)
            .max_wasm_stack(MAX_WASM_STACK_BYTES);
        let engine = wasmtime::Engine::new(&config).map_err(load_error)?;
        let component = compile(&engine, &source.bytes()?)?;

        let mut linker = Linker::new(&engine);
        // The guest's standard library imports WASI even though it reaches
        // nothing through it: the context gives it no files, environment or
        // network.
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(load_error)?;
        EngineWorld::add_to_linker::<_, HasSelf<_>>(&mut linker, |context| context)
            .map_err(load_error)?;
        let instance_pre = linker.instantiate_pre(&component).map_err(load_error)?;
        let pre = EnginePre::new(instance_pre).map_err(load_error)?;
        Ok(Self { pre })
    }

    /// Runs `call` on a fresh instance over `backend`, and hands the backend
    /// back whatever happened so the caller can commit or roll back.
    pub(crate) fn call<R>(
        &self,
        export: &'static str,
        backend: B,
        clock: Arc<dyn Clock>,
        call: impl FnOnce(&Guest, &mut Store<CallContext<B>>) -> wasmtime::Result<R>,
    ) -> (B, Result<R, HostError>) {
        let mut store = Store::new(self.pre.engine(), CallContext::new(backend, clock));
        store.limiter(|context| &mut context.limits);
        let result = store
            .set_fuel(FUEL_PER_CALL)
            .and_then(|()| self.pre.instantiate(&mut store))
            .and_then(|instance| call(instance.commerce_backorders_backorders(), &mut store));
        let result =
            result.map_err(|error| trap_report(export, error, &store.data().guest_stderr()));
        (store.into_data().into_backend(), result)
    }
}

/// A host error raised inside an import comes back as itself; anything else
/// is a trap of the component, reported with what it wrote to stderr.
fn trap_report(export: &'static str, error: wasmtime::Error, guest_stderr: &str) -> HostError {
    match error.downcast::<HostError>() {
        Ok(host_error) => host_error,
        Err(error) => {
            let mut reason = match error.downcast_ref::<wasmtime::Trap>() {
                Some(trap) => trap.to_string(),
                None => format!("{error:#}"),
            };
            let guest_stderr = guest_stderr.trim();
            if !guest_stderr.is_empty() {
                let quoted: String = guest_stderr.chars().take(TRAP_STDERR_CHARS).collect();
                reason = format!("{reason}; the component wrote: {quoted}");
            }
            HostError::Trap { export, reason }
        }
    }
}
