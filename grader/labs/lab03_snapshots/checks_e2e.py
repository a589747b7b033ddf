"""Lab 03, end to end: the whole history of every snapshot after each day, exactly as expected."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import check, expect
from grader.datagen.snapshots import DAYS
from grader.labs.lab03_snapshots.expected import SNAPSHOTS
from grader.labs.lab03_snapshots.history import differences, found, wanted
from grader.model import Tier


@check(tier=Tier.E2E, points=2, concepts=["snap.multi_run"])
def first_run_takes_every_row(a: DbtArtifacts) -> None:
    """After day 1 each snapshot holds one current row per key of the first extract."""
    for name in SNAPSHOTS:
        diff = differences(found(a, name, "day_1"), wanted(name, 1))
        expect(not diff, expected=f"{name} after day 1: every row of the extract, once", found=diff)


@check(tier=Tier.E2E, points=4, concepts=["snap.multi_run"])
def history_matches_every_day(a: DbtArtifacts) -> None:
    """After each of the six days, every snapshot's whole history (intervals, deleted rows, values) is exact."""
    for day in range(2, DAYS + 1):
        for name in SNAPSHOTS:
            diff = differences(found(a, name, f"day_{day}"), wanted(name, day))
            expect(not diff, expected=f"{name} after day {day}: the history the extracts give", found=diff)


def _text(value: object) -> str:
    """A value as both warehouses give it: times to the second, True/False and numbers as text."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).replace("T", " ") if value is not None else "None"


def _why_not_built(built: dict[str, Any], unique_id: str) -> str:
    """The snapshot's own error, after the first model error on PostgreSQL (often the cause)."""
    messages = built.get("messages") or {}
    models = [f"{u.split('.')[-1]}: {m}" for u, m in sorted(messages.items()) if u.startswith("model.")]
    said = [*models[:1], messages.get(unique_id, "")]
    return " | ".join(" ".join(m.split())[:300] for m in said if m) or built.get("error") or "not built"


def _pg_version(row: list, cols: list[str], need: list[str]) -> tuple[str, ...]:
    """One PostgreSQL snapshot row in the shape of expected.intervals, as text."""
    deleted = "dbt_is_deleted" in cols and row[cols.index("dbt_is_deleted")] == "True"
    values = [_text(row[cols.index(c)]) for c in need]
    return (*values[:3], str(deleted), *values[3:])


@check(tier=Tier.E2E, points=2, concepts=["snap.multi_run"])
def postgres_keeps_the_same_history(a: DbtArtifacts) -> None:
    """The same six days replayed on PostgreSQL (the profile's pg target) give every snapshot the same history."""
    built = a.postgres
    tables = built.get("tables") or {}
    for name, spec in SNAPSHOTS.items():
        table: dict[str, Any] = tables.get(name) or {}
        expect(
            bool(table),
            expected=f"{name} built on PostgreSQL after the six days",
            found=_why_not_built(built, f"snapshot.{a.project_name}.{name}"),
        )
        cols = table["columns"]
        need = [spec.key, "dbt_valid_from", "dbt_valid_to", *spec.shown]
        missing = [c for c in need if c not in cols]
        expect(not missing, expected=f"{name} on PostgreSQL with columns {', '.join(need)}", found=f"{cols}")
        got = sorted(_pg_version(row, cols, need) for row in table["rows"])
        # the same as DuckDB's, right or wrong: this check is about the project running alike on both
        want = sorted((*(_text(v) for v in r[:3]), str(r[3]), *(_text(v) for v in r[4:])) for r in found(a, name))
        wrong = sorted(set(got) ^ set(want))
        expect(
            got == want,
            expected=f"{name} on PostgreSQL: the history it has on DuckDB ({len(want)} versions)",
            found=f"{len(got)} versions; first difference: {wrong[:2]}",
        )
