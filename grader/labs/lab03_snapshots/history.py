"""Read a snapshot's history out of the warehouse copy of one day, in expected.py's shape.

The table is found through the manifest (its schema and alias), so a learner's naming of the
schema is read, not assumed. Timestamps compare as instants: a timestamp with time zone is
turned into naive UTC, so `timestamptz` and `timestamp` columns holding the same moment match.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import MissingArtifact
from grader.labs.lab03_snapshots import GRADING_SEED
from grader.labs.lab03_snapshots.expected import SNAPSHOTS, intervals

LAST_DAY = "day_6"


def relation(a: DbtArtifacts, name: str) -> str:
    node = a.find("snapshot", name)
    if node is None:
        raise MissingArtifact(f"a snapshot named {name}", "no such snapshot in the project")
    return f'"{node["schema"]}"."{node.get("alias") or name}"'


def columns(a: DbtArtifacts, name: str, phase: str = LAST_DAY) -> list[str]:
    node = a.find("snapshot", name) or {}
    rows = a.query(
        "select column_name from information_schema.columns"
        f" where table_schema = '{node.get('schema', '')}' and table_name = '{node.get('alias') or name}'",
        phase,
    )
    return [r[0] for r in rows]


def require_table(a: DbtArtifacts, name: str, phase: str = LAST_DAY) -> list[str]:
    """The snapshot table's columns; a table dbt never built fails with dbt's own reason."""
    have = columns(a, name, phase)
    if not have:
        result = a.result(f"snapshot.{a.project_name}.{name}") or {}
        why = " ".join((result.get("message") or "").split())[:400]
        raise MissingArtifact(
            f"the snapshot table {name} after {phase.replace('_', ' ')}",
            f"it was never built: dbt said {why!r}" if why else "it was never built (see the build problems above)",
        )
    return have


def instant(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def found(a: DbtArtifacts, name: str, phase: str = LAST_DAY) -> list[tuple]:
    """(key, valid_from, valid_to, deleted, *shown values) per row of the snapshot table, sorted."""
    spec = SNAPSHOTS[name]
    have = require_table(a, name, phase)
    missing = [c for c in (spec.key, "dbt_valid_from", "dbt_valid_to", *spec.shown) if c not in have]
    if missing:
        raise MissingArtifact(f"the columns {', '.join(missing)} in {name}", f"its columns are {', '.join(have)}")
    deleted = "coalesce(cast(dbt_is_deleted as varchar) = 'True', false)" if "dbt_is_deleted" in have else "false"
    rows = a.query(
        f"select {spec.key}, dbt_valid_from, dbt_valid_to, {deleted}, {', '.join(spec.shown)} from {relation(a, name)}",
        phase,
    )
    return sorted((tuple(instant(v) for v in row) for row in rows), key=lambda r: (r[0], str(r[1]), r[3]))


def wanted(name: str, through_day: int | None = None) -> list[tuple]:
    return sorted(intervals(name, GRADING_SEED, through_day), key=lambda r: (r[0], str(r[1]), r[3]))


def differences(got: list[tuple], want: list[tuple], keys: set[Any] | None = None, limit: int = 3) -> str:
    """The first keys whose versions differ, each with what was expected and what was found."""
    if keys is not None:
        got = [r for r in got if r[0] in keys]
        want = [r for r in want if r[0] in keys]
    lines = []
    for key in sorted({r[0] for r in got} | {r[0] for r in want}, key=str):
        mine = [r for r in got if r[0] == key]
        theirs = [r for r in want if r[0] == key]
        if mine != theirs:
            lines.append(f"key {key}: expected {_show(theirs)}; found {_show(mine)}")
        if len(lines) == limit:
            break
    return "\n".join(lines)


def _show(rows: list[tuple]) -> str:
    if not rows:
        return "no rows"
    return ", ".join(
        f"[{_t(r[1])} .. {_t(r[2])}{' deleted' if r[3] else ''}: {', '.join(str(v) for v in r[4:])}]" for r in rows
    )


def _t(value: Any) -> str:
    if value is None:
        return "open"
    if value is Ellipsis:
        return "..."
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)


__all__ = ["LAST_DAY", "columns", "differences", "found", "instant", "relation", "require_table", "wanted"]
