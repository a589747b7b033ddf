"""Compare an answer's rows with expected.py's figures: by value, at a cent (or a millionth of a ratio).

Rows are matched on their group-by columns, whatever order MetricFlow returns them in; a
missing additive value (MetricFlow's null where no row was counted) is 0; rows the expectation
does not cover (days of the time spine after the data, say) are not judged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from grader.artifacts.semantic import SemanticArtifacts
from grader.checks import expect
from grader.labs.lab02_semantic_layer import GRADING_SEED
from grader.labs.lab02_semantic_layer import expected as ex
from grader.labs.lab02_semantic_layer.queries import QUERIES

CENT = 0.005
RATIO = 1e-6


def keyed(a: SemanticArtifacts, query_id: str) -> dict[Any, dict[str, Any]]:
    """The answer's rows by their group-by values (one value: the key itself; several: a tuple)."""
    groups = [g for g in QUERIES[query_id].get("group_by", [])]
    out = {}
    for row in a.rows(query_id):
        missing = [g for g in groups if g not in row]
        expect(not missing, expected=f"a column {missing[0] if missing else ''}", found=f"columns {sorted(row)}")
        key = tuple(_key(row[g]) for g in groups)
        out[key[0] if len(key) == 1 else key] = row
    return out


def _key(value: Any) -> Any:
    return value[:10] if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" else value


def close(found: Any, want: Any, tolerance: float, *, additive: bool) -> bool:
    if found is None and additive:
        found = 0
    if want is None or found is None:
        return want is None and found is None
    return abs(float(found) - float(want)) <= tolerance


def differences(
    a: SemanticArtifacts,
    query_id: str,
    metric: str,
    want: dict[Any, Any],
    *,
    tolerance: float = CENT,
    additive: bool = True,
) -> list[str]:
    """``group: found x, expected y`` for every expected group whose value differs (or is missing)."""
    rows = keyed(a, query_id)
    wrong = []
    for key in sorted(want, key=str):
        row = rows.get(key)
        found = None if row is None else row.get(metric)
        if row is None or not close(found, want[key], tolerance, additive=additive):
            wrong.append(f"{_show(key)}: {'no row' if row is None else _show(found)}, expected {_show(want[key])}")
    return wrong


def expect_figures(
    a: SemanticArtifacts,
    query_id: str,
    metric: str,
    want: dict[Any, Any],
    *,
    tolerance: float = CENT,
    additive: bool = True,
    hint: str = "",
) -> None:
    wrong = differences(a, query_id, metric, want, tolerance=tolerance, additive=additive)
    expect(
        not wrong,
        expected=f"{metric} {_by(query_id)} as computed from the raw data",
        found=f"{len(wrong)} of {len(want)} groups differ: " + "; ".join(wrong[:4]),
        hint=hint,
    )


def _by(query_id: str) -> str:
    groups = QUERIES[query_id].get("group_by", [])
    return f"by {', '.join(groups)}" if groups else "overall"


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "/".join(map(str, value))
    if isinstance(value, (float, Decimal)):
        return f"{float(value):.6g}"
    return str(value)


def shop() -> ex.Shop:
    return ex.shop(GRADING_SEED)
