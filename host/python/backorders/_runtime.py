"""The component in wasmtime: found, compiled once (and cached on disk),
linked to the host's imports, and run one export per call in a fresh
instance, as the Rust host does (`host/core/src/runtime.rs`)."""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import re
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime import component as wc

from . import _wit
from .errors import BackorderError, InventoryError, StoreError

WIT_PACKAGE = "commerce:backorders"
WIT_VERSION = "0.2.0"
ACCEPTED = "0.2.x"
EXPORTED_INTERFACE = "backorders"
COMPONENT_ENV = "BACKORDERS_COMPONENT"
CACHE_ENV = "BACKORDERS_CACHE_DIR"
# Where `cargo build --release -p backorders-host` puts the component,
# from the repository's root (host/core/build.rs).
CARGO_OUTPUT = Path("target/wasm/wasm32-wasip2/wasm/backorders_component.wasm")
CACHE_MAGIC = b"backorders-python-cache 1\n"
# What one call may use, as the Rust host's default limits
# (`host/core/src/limits.rs`): linear memory, core instances, tables.
MAX_MEMORY = 64 << 20
MAX_INSTANCES = 16
MAX_TABLES = 16
# The wall-time deadline: the engine's epoch ticks every 10 ms, and a call
# traps 60 s after it starts.
EPOCH_TICK_S = 0.010
DEADLINE_TICKS = 6_000


def find_component(path: str | os.PathLike | None = None) -> Path:
    """The component file: `path`, else `$BACKORDERS_COMPONENT`, else the
    cargo build's output in the working directory or the nearest parent
    that has one."""
    if path is None:
        path = os.environ.get(COMPONENT_ENV) or None
    if path is not None:
        return Path(path)
    for directory in [Path.cwd(), *Path.cwd().parents]:
        candidate = directory / CARGO_OUTPUT
        if candidate.is_file():
            return candidate
    raise BackorderError(
        "read_component",
        f"no component: pass component=PATH, set ${COMPONENT_ENV}, or run "
        f"`cargo build --release -p backorders-host` in the repository (it writes {CARGO_OUTPUT})",
        path=str(CARGO_OUTPUT),
    )


def default_cache_dir() -> Path:
    """`$BACKORDERS_CACHE_DIR`, else `$XDG_CACHE_HOME/backorders`, else
    `~/.cache/backorders`: the Rust host's cache directory."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "backorders"
    return Path.home() / ".cache" / "backorders"


def _config() -> wasmtime.Config:
    """The engine's settings: the defaults, with epoch interruption for the
    deadline."""
    config = wasmtime.Config()
    config.epoch_interruption = True
    return config


def _cache_key(wasm_digest: str) -> str:
    """What a compiled component depends on: its bytes, the wasmtime
    release that compiled it (its code format changes between releases),
    the engine's settings and the machine it runs on."""
    engine = f"wasmtime-py {metadata.version('wasmtime')} epoch {platform.machine()} {sys.platform}"
    return hashlib.sha256(f"{wasm_digest}\n{engine}".encode()).hexdigest()


def load_component(
    engine: wasmtime.Engine, wasm: bytes, cache_dir: Path | None
) -> tuple[wc.Component, str]:
    """The compiled component, and how it was had: `compiled` (no cache),
    `cached` (read from the cache), `stored` (compiled and cached) or
    `replaced` (the cache entry was unreadable, compiled again and
    replaced).

    An entry is `python-<key>.cwasm` (`_cache_key`): the header, the
    SHA-256 of the compiled code, the code. A truncated, corrupt or foreign
    entry fails its checksum or wasmtime's own check and is replaced, never
    run. Entries are written to a temporary file and renamed, so concurrent
    processes never read half of one. Whoever can write the cache directory
    can run code in the host: keep it private (it is created mode 0700).
    """
    if cache_dir is None:
        return wc.Component(engine, wasm), "compiled"
    path = cache_dir / f"python-{_cache_key(hashlib.sha256(wasm).hexdigest())}.cwasm"
    outcome = "stored"
    try:
        entry = path.read_bytes()
    except FileNotFoundError:
        entry = None
    except OSError:
        entry, outcome = None, "replaced"
    if entry is not None:
        digest, code = entry[len(CACHE_MAGIC) : len(CACHE_MAGIC) + 32], entry[len(CACHE_MAGIC) + 32 :]
        if entry.startswith(CACHE_MAGIC) and hashlib.sha256(code).digest() == digest:
            try:
                return wc.Component.deserialize(engine, code), "cached"
            except wasmtime.WasmtimeError:
                pass
        outcome = "replaced"
    component = wc.Component(engine, wasm)
    code = bytes(component.serialize())
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".tmp-", delete=False) as temporary:
            temporary.write(CACHE_MAGIC + hashlib.sha256(code).digest() + code)
        os.replace(temporary.name, path)
    except OSError:
        # A cache that cannot be written costs a compile next time, nothing else.
        return component, "compiled"
    return component, outcome


_VERSIONED = re.compile(re.escape(WIT_PACKAGE) + r"/([a-z0-9-]+)@(\d+)\.(\d+)\.(\d+)")


def _check_compatible(names: dict[str, list[str]]) -> None:
    """Refuses a component of another WIT version than 0.2.x, naming the
    versions, before anything runs (`host/core/src/compat.rs`)."""
    ours = {
        side: [name for name in found if name.startswith(WIT_PACKAGE + "/")]
        for side, found in names.items()
    }
    compatible = any(
        (m := _VERSIONED.fullmatch(name)) and m.group(1) == EXPORTED_INTERFACE and m.group(2, 3) == ("0", "2")
        for name in ours["exports"]
    ) and all(
        (m := _VERSIONED.fullmatch(name)) and m.group(2, 3) == ("0", "2") for name in ours["imports"]
    )
    if not compatible:
        exports = ", ".join(ours["exports"]) or f"nothing of {WIT_PACKAGE}"
        text = f"it exports {exports}"
        if ours["imports"]:
            text += f" and imports {', '.join(ours['imports'])}"
        raise BackorderError(
            "incompatible_component",
            f"incompatible component: {text}; this host runs {WIT_PACKAGE}@{WIT_VERSION} and accepts {ACCEPTED}",
            exports=ours["exports"],
            imports=ours["imports"],
            expected=f"{WIT_PACKAGE}@{WIT_VERSION}",
            accepted=ACCEPTED,
        )


def _start_ticking(engine: wasmtime.Engine) -> None:
    """Moves the engine's epoch forward every tick, for as long as the
    process runs (a daemon thread; it holds the engine alive)."""
    def tick() -> None:
        while True:
            time.sleep(EPOCH_TICK_S)
            engine.increment_epoch()

    threading.Thread(target=tick, name="backorders-epoch", daemon=True).start()


class Trap(Exception):
    """The component trapped; `cause` is the exception an import raised,
    if one did."""

    def __init__(self, export: str, reason: str, cause: BaseException | None) -> None:
        super().__init__(reason)
        self.export = export
        self.reason = reason
        self.cause = cause


# Keeps the C callbacks alive as long as the process: wasmtime holds them.
_CALLBACKS: list[Any] = []


_FINALIZER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lambda _: None)


class Export:
    """One export: its index and its parameters' and result's converters."""

    def __init__(self, name: str, index: Any, ty: wc.FuncType) -> None:
        self.name = name
        self.index = index
        self.params = [(_wit.snake(param), param_ty) for param, param_ty in ty.params]
        self.lower_params = [_wit.lower(param_ty) for _, param_ty in ty.params]
        result = ty.result
        # result<T, backorder-error>: T in its JSON form, the error in its
        # Python form, for `errors.domain_error`.
        assert isinstance(result, wc.ResultType), f"{name} returns a result"
        self.result_type = result
        lift_ok = _wit.lift(result.ok, json=True) if result.ok is not None else (lambda v: None)
        lift_err = _wit.lift(result.err)

        def lift_result(v: Any) -> tuple[bool, Any]:
            outcome = v.of.result
            payload = outcome.val.contents if outcome.val else None
            if outcome.is_ok:
                return (True, lift_ok(payload) if payload is not None else None)
            return (False, lift_err(payload))

        self.lift_result = lift_result


class Runtime:
    """The loaded component. `call(export, values, host)` runs one export
    in a fresh instance whose imports call `host` (methods named
    `<interface>_<function>` in snake_case: `store_get`, `inventory_reserve`,
    `clock_now`, `events_emit`)."""

    def __init__(self, path: Path, cache_dir: Path | None) -> None:
        try:
            wasm = path.read_bytes()
        except OSError as error:
            raise BackorderError(
                "read_component", f"cannot read component {path}: {error}", path=str(path)
            ) from error
        self.engine = wasmtime.Engine(_config())
        _start_ticking(self.engine)
        try:
            self.component, self.cache_outcome = load_component(self.engine, wasm, cache_dir)
        except wasmtime.WasmtimeError as error:
            raise BackorderError("load_component", f"cannot load component: {error}") from error
        types = self.component.type
        imports = types.imports(self.engine)
        exports = types.exports(self.engine)
        _check_compatible({"exports": list(exports), "imports": list(imports)})
        # The imports of the call running on each thread, and the first
        # exception one of them raised.
        self._calls = threading.local()
        self.linker = wc.Linker(self.engine)
        self.linker.add_wasip2()
        with self.linker.root() as root:
            for name, item in imports.items():
                if not name.startswith(WIT_PACKAGE + "/"):
                    continue
                interface = _VERSIONED.fullmatch(name).group(1)
                functions = {
                    function: extern.ty
                    for function, extern in item.ty.exports(self.engine).items()
                    if isinstance(extern.ty, wc.FuncType)
                }
                if not functions:
                    continue  # `types`: no functions
                with root.add_instance(name) as instance:
                    for function, ty in functions.items():
                        self._define(instance, interface, function, ty)
        interface_name = next(name for name in exports if name.startswith(f"{WIT_PACKAGE}/{EXPORTED_INTERFACE}@"))
        interface_index = self.component.get_export_index(interface_name)
        self.exports: dict[str, Export] = {}
        for function, extern in exports[interface_name].ty.exports(self.engine).items():
            if not isinstance(extern.ty, wc.FuncType):
                continue  # a type the interface names
            index = self.component.get_export_index(function, instance=interface_index)
            self.exports[function] = Export(function, index, extern.ty)

    def _define(self, instance: wc.LinkerInstance, interface: str, function: str, ty: wc.FuncType) -> None:
        method = f"{interface}_{_wit.snake(function)}"
        # The outbox keeps events in their JSON form, so that fields added
        # to the WIT flow through to the provider as they are.
        lifts = [_wit.lift(param, json=interface == "events") for _, param in ty.params]
        result = ty.result
        lower_result = _wit.lower(result) if result is not None else None
        returns_result = isinstance(result, wc.ResultType)
        runtime = self

        def import_call(_data: Any, _context: Any, _ty: Any, args: Any, nargs: int, results: Any, _n: int) -> int:
            try:
                values = [lifts[i](args[i]) for i in range(nargs)]
                handler = getattr(runtime._calls.host, method)
                try:
                    value = (True, handler(*values)) if returns_result else handler(*values)
                except (StoreError, InventoryError) as error:
                    if not returns_result:
                        raise
                    value = (False, error.wit())
                if lower_result is not None:
                    lower_result(value, results[0])
                return 0
            except BaseException as error:  # noqa: BLE001 - every failure traps the call
                if runtime._calls.failure is None:
                    runtime._calls.failure = error
                trap = wasmtime.WasmtimeError(f"{interface}.{function} failed: {type(error).__name__}: {error}")
                return ctypes.cast(trap._consume(), ctypes.c_void_p).value or 0

        callback = ffi.wasmtime_component_func_callback_t(import_call)
        _CALLBACKS.append(callback)
        name = function.encode()
        error = ffi.wasmtime_component_linker_instance_add_func(
            instance.ptr(), ctypes.create_string_buffer(name), len(name), callback, None, _FINALIZER
        )
        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)

    def call(self, export: str, values: list[Any], host: Any) -> tuple[bool, Any]:
        """Runs `export` with `values` (Python forms of its parameters) in a
        fresh instance: `(True, result)` in JSON form, or `(False, (case,
        payload))` for a `backorder-error`; raises `Trap`."""
        function = self.exports[export]
        store = wasmtime.Store(self.engine)
        # No arguments, environment, files or standard streams.
        store.set_wasi(wasmtime.WasiConfig())
        store.set_limits(memory_size=MAX_MEMORY, instances=MAX_INSTANCES, tables=MAX_TABLES)
        store.set_epoch_deadline(DEADLINE_TICKS)
        calls = self._calls
        calls.host, calls.failure = host, None
        params = (_wit.Val * len(values))()
        lowered = 0
        try:
            for i, value in enumerate(values):
                function.lower_params[i](value, params[i])
                lowered += 1
            instance = self.linker.instantiate(store, self.component)
            func = instance.get_func(store, function.index)
            result = _wit.Val()
            error = ffi.wasmtime_component_func_call(
                ctypes.byref(func._func), store._context(), params, len(values), ctypes.byref(result), 1
            )
            if error:
                reason = str(wasmtime.WasmtimeError._from_ptr(error))
                raise Trap(export, reason, calls.failure)
            try:
                return function.lift_result(result)
            finally:
                ffi.wasmtime_component_val_delete(ctypes.byref(result))
        except wasmtime.WasmtimeError as error:
            raise Trap(export, str(error), calls.failure) from error
        finally:
            for i in range(lowered):
                ffi.wasmtime_component_val_delete(ctypes.byref(params[i]))
            calls.host = None

