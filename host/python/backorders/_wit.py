"""WIT values in and out of the component, through wasmtime's C API.

`wasmtime.component`'s own conversion asks the engine for a value's type at
every call and every crossing, converts `list<u8>` byte by byte, and guesses
whether a variant is tagged from its cases' Python classes (it lowers a
`store-error` returned by `get` as the `ok` case). This module reads each
type once, when the component loads, and turns it into a pair of plain
functions: `lift` (a C value to Python) and `lower` (Python to a C value).

Python forms, one per WIT type, used both ways:

- `bool`, integers: `bool`, `int`; `string`: `str`; `list<u8>`: `bytes`;
  other lists: `list`;
- `record`: a `dict` keyed by the field names in snake_case;
- `enum`: its case in snake_case (`partially_fulfilled`);
- `option<T>`: `None` or the value;
- `result<T, E>`: `(True, value)` or `(False, error)`;
- `variant`: `(case, payload)`, the case in kebab-case as the WIT spells it
  (`None` payload for a case without one).

The JSON form (`lift_json`) is the CLI's `--json`: the same, except that an
`s64` (in this WIT always a `timestamp`) is an RFC 3339 string and a
`date-or-time` is `2026-12-01` or an RFC 3339 string
(`host/cli/src/json/mod.rs`).

This module uses wasmtime's private `_ffi` bindings, so the kit pins the
exact `wasmtime` release (pyproject.toml).
"""

from __future__ import annotations

import ctypes
from typing import Any, Callable

from wasmtime import _ffi as ffi
from wasmtime import component as wc

from .dates import format_day, format_time

Val = ffi.wasmtime_component_val_t
VAL_SIZE = ctypes.sizeof(Val)
PAYLOAD_OFFSET = Val.of.offset

K_BOOL, K_S8, K_U8, K_S16, K_U16, K_S32, K_U32, K_S64, K_U64 = 0, 1, 2, 3, 4, 5, 6, 7, 8
K_STRING, K_LIST, K_RECORD, K_VARIANT, K_ENUM, K_OPTION, K_RESULT = 12, 13, 14, 16, 17, 18, 19

Lift = Callable[[Any], Any]
Lower = Callable[[Any, Any], None]

_INTEGERS: dict[type, tuple[int, str, int, int]] = {
    wc.S8: (K_S8, "s8", -(2**7), 2**7 - 1),
    wc.U8: (K_U8, "u8", 0, 2**8 - 1),
    wc.S16: (K_S16, "s16", -(2**15), 2**15 - 1),
    wc.U16: (K_U16, "u16", 0, 2**16 - 1),
    wc.S32: (K_S32, "s32", -(2**31), 2**31 - 1),
    wc.U32: (K_U32, "u32", 0, 2**32 - 1),
    wc.S64: (K_S64, "s64", -(2**63), 2**63 - 1),
    wc.U64: (K_U64, "u64", 0, 2**64 - 1),
}


def snake(name: str) -> str:
    return name.replace("-", "_")


def kebab(name: str) -> str:
    return name.replace("_", "-")


def _text(vec: Any) -> str:
    size = vec.size
    return ctypes.string_at(vec.data, size).decode("utf-8") if size else ""


def _name(text: str) -> Any:
    return ffi.str_to_capi(text)


def integer_range(ty: Any) -> tuple[str, int, int] | None:
    """`(name, min, max)` of an integer type; None for any other."""
    found = _INTEGERS.get(type(ty))
    return None if found is None else found[1:]


def is_date_or_time(ty: Any) -> bool:
    """The WIT `date-or-time`: a variant of `date(s32)` and `time(s64)`."""
    return isinstance(ty, wc.VariantType) and [name for name, _ in ty.cases] == ["date", "time"]


def lift(ty: Any, json: bool = False) -> Lift:
    """A function from a C value of type `ty` to its Python form (its JSON
    form with `json`)."""
    if isinstance(ty, wc.Bool):
        return lambda v: bool(v.of.boolean)
    if isinstance(ty, wc.S64):
        if json:
            return lambda v: format_time(v.of.s64)
        return lambda v: v.of.s64
    if type(ty) in _INTEGERS:
        field = _INTEGERS[type(ty)][1]
        return lambda v: getattr(v.of, field)
    if isinstance(ty, wc.String):
        return lambda v: _text(v.of.string)
    if isinstance(ty, wc.ListType):
        element = ty.element
        if isinstance(element, wc.U8):
            def lift_bytes(v: Any) -> bytes:
                items = v.of.list
                size = items.size
                if not size:
                    return b""
                raw = ctypes.string_at(items.data, size * VAL_SIZE)
                return raw[PAYLOAD_OFFSET::VAL_SIZE]
            return lift_bytes
        lift_element = lift(element, json)

        def lift_list(v: Any) -> list:
            items = v.of.list
            data = items.data
            return [lift_element(data[i]) for i in range(items.size)]
        return lift_list
    if isinstance(ty, wc.RecordType):
        fields = [(snake(name), lift(field, json)) for name, field in ty.fields]

        def lift_record(v: Any) -> dict:
            data = v.of.record.data
            return {name: lift_field(data[i].val) for i, (name, lift_field) in enumerate(fields)}
        return lift_record
    if isinstance(ty, wc.EnumType):
        by_kebab = {name: snake(name) for name in ty.names}
        return lambda v: by_kebab[_text(v.of.enumeration)]
    if isinstance(ty, wc.OptionType):
        lift_payload = lift(ty.payload, json)

        def lift_option(v: Any) -> Any:
            pointer = v.of.option
            return lift_payload(pointer.contents) if pointer else None
        return lift_option
    if isinstance(ty, wc.ResultType):
        lift_ok = lift(ty.ok, json) if ty.ok is not None else None
        lift_err = lift(ty.err, json) if ty.err is not None else None

        def lift_result(v: Any) -> tuple[bool, Any]:
            result = v.of.result
            lift_case = lift_ok if result.is_ok else lift_err
            value = lift_case(result.val.contents) if lift_case is not None and result.val else None
            return (bool(result.is_ok), value)
        return lift_result
    if isinstance(ty, wc.VariantType):
        cases = {name: (lift(case, json) if case is not None else None) for name, case in ty.cases}
        date_or_time = json and is_date_or_time(ty)

        def lift_variant(v: Any) -> Any:
            variant = v.of.variant
            case = _text(variant.discriminant)
            lift_case = cases[case]
            payload = lift_case(variant.val.contents) if lift_case is not None and variant.val else None
            if date_or_time:
                return format_day(payload) if case == "date" else payload
            return (case, payload)
        return lift_variant
    raise TypeError(f"the kit does not convert WIT values of type {type(ty).__name__}")


def lower(ty: Any) -> Lower:
    """A function that writes the Python form of a `ty` value into a C
    value (`dst`, a `wasmtime_component_val_t`). The value must already be
    of the type: requests are checked before they are lowered."""
    if isinstance(ty, wc.Bool):
        def lower_bool(value: Any, dst: Any) -> None:
            dst.kind = K_BOOL
            dst.of.boolean = value
        return lower_bool
    if type(ty) in _INTEGERS:
        kind, field = _INTEGERS[type(ty)][:2]

        def lower_integer(value: Any, dst: Any) -> None:
            dst.kind = kind
            setattr(dst.of, field, value)
        return lower_integer
    if isinstance(ty, wc.String):
        def lower_string(value: Any, dst: Any) -> None:
            dst.kind = K_STRING
            dst.of.string = _name(value)
        return lower_string
    if isinstance(ty, wc.ListType):
        element = ty.element
        if isinstance(element, wc.U8):
            def lower_bytes(value: Any, dst: Any) -> None:
                items = ffi.wasmtime_component_vallist_t()
                ffi.wasmtime_component_vallist_new_uninit(items, len(value))
                if value:
                    raw = bytearray(len(value) * VAL_SIZE)
                    raw[0::VAL_SIZE] = bytes([K_U8]) * len(value)
                    raw[PAYLOAD_OFFSET::VAL_SIZE] = value
                    ctypes.memmove(items.data, bytes(raw), len(raw))
                dst.kind = K_LIST
                dst.of.list = items
            return lower_bytes
        lower_element = lower(element)

        def lower_list(value: Any, dst: Any) -> None:
            items = ffi.wasmtime_component_vallist_t()
            ffi.wasmtime_component_vallist_new_uninit(items, len(value))
            data = items.data
            for i, item in enumerate(value):
                lower_element(item, data[i])
            dst.kind = K_LIST
            dst.of.list = items
        return lower_list
    if isinstance(ty, wc.RecordType):
        fields = [(name, snake(name), lower(field)) for name, field in ty.fields]

        def lower_record(value: Any, dst: Any) -> None:
            record = ffi.wasmtime_component_valrecord_t()
            ffi.wasmtime_component_valrecord_new_uninit(record, len(fields))
            data = record.data
            for i, (name, key, lower_field) in enumerate(fields):
                entry = data[i]
                entry.name = _name(name)
                lower_field(value[key], entry.val)
            dst.kind = K_RECORD
            dst.of.record = record
        return lower_record
    if isinstance(ty, wc.EnumType):
        def lower_enum(value: Any, dst: Any) -> None:
            dst.kind = K_ENUM
            dst.of.enumeration = _name(kebab(value))
        return lower_enum
    if isinstance(ty, wc.OptionType):
        lower_payload = lower(ty.payload)

        def lower_option(value: Any, dst: Any) -> None:
            dst.kind = K_OPTION
            dst.of.option = None if value is None else _boxed(lower_payload, value)
        return lower_option
    if isinstance(ty, wc.ResultType):
        lower_ok = lower(ty.ok) if ty.ok is not None else None
        lower_err = lower(ty.err) if ty.err is not None else None

        def lower_result(value: Any, dst: Any) -> None:
            ok, payload = value
            lower_case = lower_ok if ok else lower_err
            dst.kind = K_RESULT
            dst.of.result.is_ok = ok
            dst.of.result.val = None if lower_case is None else _boxed(lower_case, payload)
        return lower_result
    if isinstance(ty, wc.VariantType):
        cases = {name: (lower(case) if case is not None else None) for name, case in ty.cases}

        def lower_variant(value: Any, dst: Any) -> None:
            case, payload = value
            lower_case = cases[case]
            dst.kind = K_VARIANT
            dst.of.variant.discriminant = _name(case)
            dst.of.variant.val = None if lower_case is None else _boxed(lower_case, payload)
        return lower_variant
    raise TypeError(f"the kit does not convert WIT values of type {type(ty).__name__}")


def _boxed(lower_value: Lower, value: Any) -> Any:
    """A C value on the heap (an option's or a case's payload)."""
    staged = Val()
    lower_value(value, staged)
    return ffi.wasmtime_component_val_new(ctypes.byref(staged))
