//! The WASI a component's standard library imports, answered by the host
//! itself so that it reaches nothing and needs no async runtime: no
//! environment, arguments, preopened directories or terminal; stdin at its
//! end; stdout and stderr kept in memory up to the output limit (to explain
//! a trap); clocks standing at the Unix epoch; "random" bytes a fixed
//! sequence. The component reads time through the `clock` import; WASI is
//! there only because its standard library links it.
//!
//! Each WASI interface a component imports is defined under the exact name
//! (and version) it imports. Every function of it first traps, naming
//! itself; the functions below then answer those a standard library calls.
//! So a component whose standard library links the file system still loads,
//! finds no directory, and traps if it calls anything else. A WASI interface
//! not in [`INTERFACES`] (sockets, HTTP) fails the load with its name.

use wasmtime::component::{
    types::ComponentItem, Component, ComponentType, Linker, LinkerInstance, Lower, Resource,
    ResourceType,
};
use wasmtime::StoreContextMut;

use crate::context::CallContext;
use crate::limits::{check_length, Limit, LimitExceeded};

/// The host's handles. None holds state: a stream's handle number says
/// which one it is, a pollable is always ready, and the others are never
/// handed out.
struct IoError;
struct Pollable;
struct InputStream;
struct OutputStream;
struct TerminalInput;
struct TerminalOutput;
struct Descriptor;
struct DirectoryEntryStream;

/// Handle numbers of the output streams: an index into `CallContext::output`.
const STDOUT: u32 = 0;
pub(crate) const STDERR: u32 = 1;

type Instance<'a> = LinkerInstance<'a, CallContext>;
type Define = fn(&mut Instance<'_>) -> wasmtime::Result<()>;

/// Each WASI interface the sandbox knows: the resources it declares (as
/// opposed to those it borrows from another interface), and what it answers.
const INTERFACES: &[(&str, &[(&str, fn() -> ResourceType)], Define)] = &[
    ("wasi:io/error", &[("error", ResourceType::host::<IoError>)], none),
    ("wasi:io/poll", &[("pollable", ResourceType::host::<Pollable>)], poll),
    (
        "wasi:io/streams",
        &[
            ("input-stream", ResourceType::host::<InputStream>),
            ("output-stream", ResourceType::host::<OutputStream>),
        ],
        streams,
    ),
    ("wasi:cli/environment", &[], environment),
    ("wasi:cli/exit", &[], exit),
    ("wasi:cli/stdin", &[], stdin),
    ("wasi:cli/stdout", &[], stdout),
    ("wasi:cli/stderr", &[], stderr),
    (
        "wasi:cli/terminal-input",
        &[("terminal-input", ResourceType::host::<TerminalInput>)],
        none,
    ),
    (
        "wasi:cli/terminal-output",
        &[("terminal-output", ResourceType::host::<TerminalOutput>)],
        none,
    ),
    ("wasi:cli/terminal-stdin", &[], terminal_stdin),
    ("wasi:cli/terminal-stdout", &[], terminal_stdout),
    ("wasi:cli/terminal-stderr", &[], terminal_stderr),
    ("wasi:clocks/wall-clock", &[], wall_clock),
    ("wasi:clocks/monotonic-clock", &[], monotonic_clock),
    ("wasi:random/random", &[], random),
    ("wasi:random/insecure", &[], insecure_random),
    ("wasi:random/insecure-seed", &[], insecure_seed),
    (
        "wasi:filesystem/types",
        &[
            ("descriptor", ResourceType::host::<Descriptor>),
            (
                "directory-entry-stream",
                ResourceType::host::<DirectoryEntryStream>,
            ),
        ],
        none,
    ),
    ("wasi:filesystem/preopens", &[], preopens),
];

/// Defines every WASI interface `component` imports, as the module doc says.
pub(crate) fn add_to_linker(
    linker: &mut Linker<CallContext>,
    component: &Component,
) -> wasmtime::Result<()> {
    // The trapping definitions come first; the answers replace them.
    linker.allow_shadowing(true);
    let engine = linker.engine().clone();
    for (name, item) in component.component_type().imports(&engine) {
        if !name.starts_with("wasi:") {
            continue;
        }
        let interface = name.split('@').next().unwrap_or(name);
        let (_, resources, define) = INTERFACES
            .iter()
            .find(|(known, _, _)| *known == interface)
            .ok_or_else(|| {
                wasmtime::format_err!("the component imports `{name}`, which the sandbox does not provide")
            })?;
        let ComponentItem::ComponentInstance(imported) = item.ty else {
            wasmtime::bail!("the component imports `{name}` as something other than an instance");
        };
        let mut instance = linker.instance(name)?;
        for (resource, host_type) in *resources {
            instance.resource(resource, host_type(), |_, _| Ok(()))?;
        }
        for (function, item) in imported.exports(&engine) {
            if let ComponentItem::ComponentFunc(_) = item.ty {
                let denied = format!("the sandbox gives the component no `{name}#{function}`");
                instance.func_new(function, move |_, _, _, _| Err(wasmtime::Error::msg(denied.clone())))?;
            }
        }
        define(&mut instance)?;
    }
    linker.allow_shadowing(false);
    Ok(())
}

fn none(_: &mut Instance<'_>) -> wasmtime::Result<()> {
    Ok(())
}

fn poll(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("[method]pollable.ready", |_, (_,): (Resource<Pollable>,)| {
        Ok((true,))
    })?;
    instance.func_wrap("[method]pollable.block", |_, (_,): (Resource<Pollable>,)| Ok(()))?;
    instance.func_wrap("poll", |_, (pollables,): (Vec<Resource<Pollable>>,)| {
        Ok(((0..pollables.len() as u32).collect::<Vec<u32>>(),))
    })
}

fn ready() -> Resource<Pollable> {
    Resource::new_own(0)
}

/// `wasi:io/streams` `stream-error`. The sandbox's streams never fail with
/// an `error` resource: an output stream that is full is closed.
#[derive(ComponentType, Lower)]
#[component(variant)]
enum StreamError {
    #[component(name = "last-operation-failed")]
    #[allow(dead_code)]
    LastOperationFailed(Resource<IoError>),
    #[component(name = "closed")]
    Closed,
}

type Written = (Result<(), StreamError>,);

fn streams(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap(
        "[method]output-stream.check-write",
        |store: StoreContextMut<'_, CallContext>, (stream,): (Resource<OutputStream>,)| {
            let context = store.data();
            let used = context.output[stream.rep() as usize].len();
            Ok((match context.limits.output_bytes.checked_sub(used) {
                Some(room) if room > 0 => Ok(room as u64),
                _ => Err(StreamError::Closed),
            },))
        },
    )?;
    for write in ["[method]output-stream.write", "[method]output-stream.blocking-write-and-flush"] {
        instance.func_wrap(write, write_output)?;
    }
    for flush in ["[method]output-stream.flush", "[method]output-stream.blocking-flush"] {
        instance.func_wrap(flush, |_, (_,): (Resource<OutputStream>,)| -> wasmtime::Result<Written> {
            Ok((Ok(()),))
        })?;
    }
    instance.func_wrap("[method]output-stream.subscribe", |_, (_,): (Resource<OutputStream>,)| {
        Ok((ready(),))
    })?;
    // Standard input is empty: every read finds it closed.
    for read in ["[method]input-stream.read", "[method]input-stream.blocking-read"] {
        instance.func_wrap(read, |_, (_, _): (Resource<InputStream>, u64)| {
            Ok((Err::<Vec<u8>, _>(StreamError::Closed),))
        })?;
    }
    for skip in ["[method]input-stream.skip", "[method]input-stream.blocking-skip"] {
        instance.func_wrap(skip, |_, (_, _): (Resource<InputStream>, u64)| {
            Ok((Err::<u64, _>(StreamError::Closed),))
        })?;
    }
    instance.func_wrap("[method]input-stream.subscribe", |_, (_,): (Resource<InputStream>,)| {
        Ok((ready(),))
    })
}

/// Keeps what the component writes, up to the output limit; a write past
/// it fails the call with `limit exceeded: output`.
fn write_output(
    mut store: StoreContextMut<'_, CallContext>,
    (stream, bytes): (Resource<OutputStream>, Vec<u8>),
) -> wasmtime::Result<Written> {
    let context = store.data_mut();
    let limit = context.limits.output_bytes;
    let output = &mut context.output[stream.rep() as usize];
    if output.len() + bytes.len() > limit {
        return Err(wasmtime::Error::new(LimitExceeded::new(
            Limit::Output,
            format!("the call wrote {limit} bytes or more to stdout or stderr (--max-output)"),
        )));
    }
    output.extend_from_slice(&bytes);
    Ok((Ok(()),))
}

fn environment(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-environment", |_, ()| Ok((Vec::<(String, String)>::new(),)))?;
    instance.func_wrap("get-arguments", |_, ()| Ok((Vec::<String>::new(),)))?;
    instance.func_wrap("initial-cwd", |_, ()| Ok((None::<String>,)))
}

fn exit(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("exit", |_, (status,): (Result<(), ()>,)| -> wasmtime::Result<()> {
        let status = if status.is_ok() { "success" } else { "failure" };
        Err(wasmtime::format_err!("the component exited ({status})"))
    })
}

fn stdin(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-stdin", |_, ()| Ok((Resource::<InputStream>::new_own(0),)))
}

fn stdout(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-stdout", |_, ()| Ok((Resource::<OutputStream>::new_own(STDOUT),)))
}

fn stderr(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-stderr", |_, ()| Ok((Resource::<OutputStream>::new_own(STDERR),)))
}

fn terminal_stdin(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-terminal-stdin", |_, ()| Ok((None::<Resource<TerminalInput>>,)))
}

fn terminal_stdout(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-terminal-stdout", |_, ()| Ok((None::<Resource<TerminalOutput>>,)))
}

fn terminal_stderr(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-terminal-stderr", |_, ()| Ok((None::<Resource<TerminalOutput>>,)))
}

/// `wasi:clocks/wall-clock` `datetime`.
#[derive(ComponentType, Lower)]
#[component(record)]
struct Datetime {
    seconds: u64,
    nanoseconds: u32,
}

fn wall_clock(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("now", |_, ()| Ok((Datetime { seconds: 0, nanoseconds: 0 },)))?;
    instance.func_wrap("resolution", |_, ()| Ok((Datetime { seconds: 1, nanoseconds: 0 },)))
}

fn monotonic_clock(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("now", |_, ()| Ok((0u64,)))?;
    instance.func_wrap("resolution", |_, ()| Ok((1_000_000_000u64,)))?;
    for subscribe in ["subscribe-instant", "subscribe-duration"] {
        instance.func_wrap(subscribe, |_, (_,): (u64,)| Ok((ready(),)))?;
    }
    Ok(())
}

/// What WASI's random interfaces return: a fixed sequence the host chose,
/// so a call is a function of its inputs (hash maps seeded from it
/// included) and no entropy reaches the component.
const RANDOM_BYTES: [u8; 8] = [0x42, 0x4b, 0x4f, 0x52, 0x5a, 0x11, 0x93, 0xc7];
const RANDOM_SEED: (u64, u64) = (0x424b_4f52, 0);

fn random_bytes(store: StoreContextMut<'_, CallContext>, (length,): (u64,)) -> wasmtime::Result<(Vec<u8>,)> {
    let length = usize::try_from(length).unwrap_or(usize::MAX);
    check_length("random bytes", length, store.data().limits.value_bytes).map_err(wasmtime::Error::new)?;
    Ok((RANDOM_BYTES.iter().copied().cycle().take(length).collect(),))
}

fn random_u64(_: StoreContextMut<'_, CallContext>, (): ()) -> wasmtime::Result<(u64,)> {
    Ok((u64::from_le_bytes(RANDOM_BYTES),))
}

fn random(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-random-bytes", random_bytes)?;
    instance.func_wrap("get-random-u64", random_u64)
}

fn insecure_random(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-insecure-random-bytes", random_bytes)?;
    instance.func_wrap("get-insecure-random-u64", random_u64)
}

fn insecure_seed(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("insecure-seed", |_, ()| Ok((RANDOM_SEED,)))
}

fn preopens(instance: &mut Instance<'_>) -> wasmtime::Result<()> {
    instance.func_wrap("get-directories", |_, ()| {
        Ok((Vec::<(Resource<Descriptor>, String)>::new(),))
    })
}
