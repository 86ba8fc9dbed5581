"""Times in and out, as the Rust host reads and writes them
(`host/core/src/dates.rs`): the WIT carries milliseconds since the Unix
epoch; people and JSON get RFC 3339 in UTC.
"""

from __future__ import annotations

import datetime as _dt
import re
import zoneinfo

from .errors import BackorderError

DAY_MS = 86_400_000
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_DATE_SHAPED = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# RFC 3339: a full date, `T` (or `t`, or a space), a time with optional
# fractions, and `Z` or an offset.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})\Z"
)


def _refuse(field: str, text: str, rule: str) -> BackorderError:
    return BackorderError.invalid_input(field, f"`{text}` {rule}")


def parse_time(field: str, text: str) -> int:
    """A date `2026-12-01` (the start of that day in UTC) or a full RFC 3339
    time with an offset, as milliseconds; anything else, including precision
    finer than a millisecond, is `invalid_input` naming `field`."""
    if _DATE_SHAPED.match(text):
        try:
            day = _dt.date.fromisoformat(text)
        except ValueError:
            raise _refuse(field, text, "is not a valid calendar date") from None
        return (day - _EPOCH.date()).days * DAY_MS
    match = _RFC3339.match(text)
    if match is None:
        raise _refuse(
            field, text, "is neither a date (2026-12-01) nor an RFC 3339 time (2026-12-01T09:30:00Z)"
        )
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    fraction = fraction or ""
    if fraction.rstrip("0")[3:]:
        raise _refuse(field, text, "is more precise than a millisecond")
    try:
        if offset in ("Z", "z"):
            zone = _dt.timezone.utc
        else:
            sign = 1 if offset[0] == "+" else -1
            zone = _dt.timezone(sign * _dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        # A leap second (`:60`) reads as the next second, as chrono does.
        leap = int(second) == 60
        moment = _dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), 59 if leap else int(second), tzinfo=zone
        )
    except ValueError:
        raise _refuse(
            field, text, "is neither a date (2026-12-01) nor an RFC 3339 time (2026-12-01T09:30:00Z)"
        ) from None
    millis = int((fraction + "000")[:3])
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds + (1 if leap else 0)) * 1000 + millis


def parse_date(field: str, text: str) -> tuple[str, int]:
    """A promised or expected date kept as given: `("date", day)` for a
    `2026-12-01` (that whole day in the database's time zone), `("time",
    millis)` for an instant. The WIT `date-or-time` value."""
    if not _DATE_SHAPED.match(text):
        return ("time", parse_time(field, text))
    day = parse_time(field, text) // DAY_MS
    if not -(2**31) <= day < 2**31:
        raise _refuse(field, text, "is out of range")
    return ("date", day)


def format_time(millis: int) -> str:
    """RFC 3339 in UTC, fractions only when not zero:
    `2026-12-01T00:00:00Z`, `2026-12-01T09:30:00.250Z`."""
    seconds, fraction = divmod(millis, 1000)
    try:
        moment = _EPOCH + _dt.timedelta(seconds=seconds)
    except OverflowError:
        return f"{millis}ms-since-epoch"
    text = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}")
    return f"{text}.{fraction:03d}Z" if fraction else f"{text}Z"


def format_day(day: int) -> str:
    """A calendar day counted from 1970-01-01, as `2026-12-01`."""
    try:
        date = _EPOCH.date() + _dt.timedelta(days=day)
    except OverflowError:
        return f"day {day} since 1970-01-01"
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


def utc_offset(zone: str, at: int) -> int | None:
    """The offset from UTC in seconds east of the IANA zone `zone` at `at`
    (milliseconds); None for a zone this machine's time zone database does
    not know. What the component's `clock.utc-offset` asks."""
    try:
        tz = zoneinfo.ZoneInfo(zone)
        moment = _EPOCH + _dt.timedelta(milliseconds=at)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OverflowError, OSError):
        return None
    offset = moment.astimezone(tz).utcoffset()
    return None if offset is None else int(offset.total_seconds())
