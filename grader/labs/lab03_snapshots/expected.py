"""Lab 03's expected histories, computed in plain Python from the daily extracts, never by dbt.

The rules are the SCD type 2 rules the notebook teaches, written out once:

- the **timestamp** strategy opens a version when a row first appears and whenever its
  ``updated_at`` (in UTC) is later than the open version's; the new version starts at that
  ``updated_at``, which also ends the old one;
- the **check** strategy opens a version when any watched column differs from the open
  version's; versions start and end at the snapshot run's time;
- **hard deletes**: ``invalidate`` ends the open version of a key missing from the extract at the
  run's time; ``new_record`` also opens a version marked deleted, ended when the key comes back;
  ``ignore`` (the default) does nothing. A key with no open version that appears is a new version.

``history(name, seed)`` gives a snapshot's versions; ``as_of(seed, when)`` the customers valid then.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from grader.datagen.snapshots import generate_days, snapshot_times

FOREVER = datetime(9999, 12, 31)


@dataclass(frozen=True)
class Snapshot:
    """What the lab asks each snapshot to be (notebook sections 3 to 6)."""

    name: str
    table: str  # the raw extract it reads, through its staging model
    key: str
    strategy: str  # "timestamp" or "check"
    watched: tuple[str, ...] = ()  # the check strategy's columns
    hard_deletes: str = "ignore"
    valid_to_current: datetime | None = None
    shown: tuple[str, ...] = field(default=())  # the value columns a check compares per version


PROFILE = ("email", "country_code", "loyalty_tier", "newsletter")
STAGED_CUSTOMER_COLUMNS = ("customer_id", "first_name", *PROFILE, "updated_at", "profile_hash")

SNAPSHOTS: dict[str, Snapshot] = {
    s.name: s
    for s in (
        Snapshot(
            "orders_snapshot", "order_status", "order_id", "timestamp", hard_deletes="invalidate", shown=("status",)
        ),
        Snapshot(
            "customers_snapshot",
            "crm_customers",
            "customer_id",
            "check",
            watched=("email", "country_code", "loyalty_tier"),
            hard_deletes="new_record",
            shown=("email", "country_code", "loyalty_tier"),
        ),
        Snapshot(
            "customers_all_snapshot",
            "crm_customers",
            "customer_id",
            "check",
            watched=STAGED_CUSTOMER_COLUMNS,
            shown=("email", "loyalty_tier", "newsletter"),
        ),
        Snapshot(
            "customers_hashed_snapshot",
            "crm_customers",
            "customer_id",
            "check",
            watched=("profile_hash",),
            valid_to_current=FOREVER,
            shown=("email", "loyalty_tier", "newsletter"),
        ),
    )
}


@dataclass
class Version:
    key: int
    values: dict[str, Any]
    valid_from: datetime
    valid_to: datetime | None = None
    updated_at: datetime | None = None  # dbt_updated_at
    deleted: bool = False


def utc(text: str) -> datetime:
    """The sources' ISO text with an offset -> a naive UTC datetime (what the staging models make)."""
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)


def surrogate_key(values: list[Any]) -> str:
    """md5 of the values joined with '-', nulls spelled '_null_' (the lab's macro, in Python)."""
    text = "-".join("_null_" if v is None else str(v) for v in values)
    return hashlib.md5(text.encode()).hexdigest()


def staged(row: dict[str, Any]) -> dict[str, Any]:
    """A raw row as the staging model gives it: updated_at in UTC, the profile hash added."""
    out = {k: v for k, v in row.items() if k != "_loaded_at"}
    out["updated_at"] = utc(row["updated_at"])
    if "email" in row:
        out["profile_hash"] = surrogate_key([row[c] for c in PROFILE])
    return out


@cache
def extracts(seed: int, table: str) -> tuple[dict[int, dict[str, Any]], ...]:
    """Each day's staged rows of ``table``, keyed by their key (the first column)."""
    days = generate_days(seed).days
    keyed = []
    for day in days:
        rows = [staged(r) for r in day[table]]
        keyed.append({r[next(iter(r))]: r for r in rows})
    return tuple(keyed)


def run_times(days: int) -> list[datetime]:
    return [t.replace(tzinfo=None) for t in snapshot_times(days)]


@cache
def history(name: str, seed: int, through_day: int | None = None) -> tuple[Version, ...]:
    """Every version of snapshot ``name`` after the run of ``through_day`` (default: the last)."""
    spec = SNAPSHOTS[name]
    days = extracts(seed, spec.table)
    days = days[: through_day or len(days)]
    versions: list[Version] = []
    current: dict[int, Version] = {}  # the open version of each key
    for run_at, extract in zip(run_times(len(days)), days, strict=True):
        for key, row in extract.items():
            open_version = current.get(key)
            start = row["updated_at"] if spec.strategy == "timestamp" else run_at
            if open_version is not None and not open_version.deleted and not _changed(spec, open_version, row):
                continue
            if open_version is not None:
                open_version.valid_to = start
            current[key] = Version(key, row, start, updated_at=start)
            versions.append(current[key])
        for key in [k for k in current if k not in extract]:
            gone = current[key]
            if spec.hard_deletes == "ignore" or gone.deleted:
                continue
            gone.valid_to = run_at
            del current[key]
            if spec.hard_deletes == "new_record":
                current[key] = Version(key, gone.values, run_at, updated_at=run_at, deleted=True)
                versions.append(current[key])
    return tuple(versions)


def _changed(spec: Snapshot, version: Version, row: dict[str, Any]) -> bool:
    if spec.strategy == "timestamp":
        return row["updated_at"] > version.valid_from
    return any(version.values.get(c) != row.get(c) for c in spec.watched)


def intervals(name: str, seed: int, through_day: int | None = None) -> list[tuple]:
    """(key, valid_from, valid_to, deleted, *shown values) per version, sorted: what a check compares."""
    spec = SNAPSHOTS[name]
    rows = []
    for v in history(name, seed, through_day):
        valid_to = v.valid_to if v.valid_to is not None else spec.valid_to_current
        rows.append((v.key, v.valid_from, valid_to, v.deleted, *(v.values[c] for c in spec.shown)))
    return sorted(rows, key=_order)


def _order(row: tuple) -> tuple:
    return (row[0], row[1], row[3])


def as_of(seed: int, when: datetime) -> dict[int, tuple[str, str, str]]:
    """customers_as_of at ``when``: the version valid then (from <= when < to), deleted ones left out."""
    state = {}
    for v in history("customers_snapshot", seed):
        if v.valid_from <= when and (v.valid_to is None or when < v.valid_to) and not v.deleted:
            state[v.key] = (v.values["email"], v.values["country_code"], v.values["loyalty_tier"])
    return state
