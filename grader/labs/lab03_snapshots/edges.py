"""The edges of lab 03's graded rules, and how many changes of the grading extracts sit on each side.

A snapshot rule's edge is a kind of change: one the strategy must see and one it must not, a
delete that stays and one that comes back, an as-of moment exactly on a version boundary. If
the grading days held no such change, a wrong configuration would score as the right one.
``coverage`` counts them on the grading seed's extracts; tests/test_edges.py fails on a 0.

    python -m grader.labs.lab03_snapshots.edges    # prints the table
"""

from __future__ import annotations

import itertools
from datetime import datetime

from grader.labs.edges import Edge, table
from grader.labs.lab03_snapshots import GRADING_SEED
from grader.labs.lab03_snapshots.expected import PROFILE, as_of, extracts, history
from grader.labs.lab03_snapshots.probes import AS_OF, SURROGATE_INPUTS

WATCHED = ("email", "country_code", "loyalty_tier")


def _changes(table_name: str, seed: int) -> list[tuple[dict, dict]]:
    """(yesterday's row, today's row) of every key present on two days running that differs."""
    days = extracts(seed, table_name)
    return [
        (before[k], after[k])
        for before, after in itertools.pairwise(days)
        for k in after
        if k in before and before[k] != after[k]
    ]


def _deleted(table_name: str, seed: int) -> tuple[int, int]:
    """(keys deleted that never come back, keys deleted that come back)."""
    days = extracts(seed, table_name)
    gone: set[int] = set()
    back: set[int] = set()
    for i, (before, after) in enumerate(itertools.pairwise(days)):
        for k in set(before) - set(after):
            (back if any(k in later for later in days[i + 2 :]) else gone).add(k)
    return len(gone), len(back)


def coverage(seed: int = GRADING_SEED) -> list[Edge]:
    orders = _changes("order_status", seed)
    customers = _changes("crm_customers", seed)
    text_days = _raw_orders(seed)
    earlier_as_text = sum(
        1
        for before, after in itertools.pairwise(text_days)
        for k in after
        if k in before and after[k]["updated_at"] < before[k]["updated_at"] and after[k] != before[k]
    )
    boundaries = {v.valid_from for v in history("customers_snapshot", seed)}
    moments = [datetime.fromisoformat(t) for t in AS_OF.values()]
    orders_gone, orders_back = _deleted("order_status", seed)
    customers_gone, customers_back = _deleted("crm_customers", seed)
    return [
        Edge(
            "timestamp strategy: a new version when updated_at (in UTC) is later, not when other columns change",
            ("integration.orders_snapshot_follows_updated_at", "e2e.history_matches_every_day"),
            {
                "updated_at later": sum(a["updated_at"] > b["updated_at"] for b, a in orders),
                "status changed, updated_at not": sum(
                    a["updated_at"] == b["updated_at"] and a["status"] != b["status"] for b, a in orders
                ),
                "later in UTC, earlier as text": earlier_as_text,
            },
        ),
        Edge(
            "check strategy: a new version when a watched column changes, none for the others",
            (
                "integration.check_cols_snapshot_watches_three_columns",
                "integration.check_all_snapshot_watches_every_column",
            ),
            {
                "a watched column changed": sum(any(a[c] != b[c] for c in WATCHED) for b, a in customers),
                "watched column changed, updated_at not": sum(
                    any(a[c] != b[c] for c in WATCHED) and a["updated_at"] == b["updated_at"] for b, a in customers
                ),
                "only newsletter changed": sum(
                    a["newsletter"] != b["newsletter"] and all(a[c] == b[c] for c in WATCHED) for b, a in customers
                ),
                "only updated_at changed (a touch)": sum(
                    all(a[c] == b[c] for c in PROFILE) and a["updated_at"] != b["updated_at"] for b, a in customers
                ),
            },
        ),
        Edge(
            "hard deletes: a key missing from the extract is deleted; one that comes back opens a new version",
            ("integration.deleted_orders_are_invalidated", "integration.deleted_customers_get_a_deleted_record"),
            {
                "orders deleted for good": orders_gone,
                "orders back after a delete": orders_back,
                "customers deleted for good": customers_gone,
                "customers back after a delete": customers_back,
            },
        ),
        Edge(
            "as of: valid_from <= as_of < valid_to, deleted rows left out",
            ("integration.as_of_model_returns_the_state_on_each_date",),
            {
                "as_of exactly on a version boundary": sum(m in boundaries for m in moments),
                "as_of between runs": sum(m not in boundaries and as_of(seed, m) != {} for m in moments),
                "as_of before the first run (no customers)": sum(as_of(seed, m) == {} for m in moments),
                "customers deleted at an as_of": sum(
                    1
                    for m in moments
                    for v in history("customers_snapshot", seed)
                    if v.deleted and v.valid_from <= m and (v.valid_to is None or m < v.valid_to)
                ),
            },
        ),
        Edge(
            "surrogate key: a null is spelled '_null_', so it differs from an empty string",
            ("unit.surrogate_key_hashes_values_and_nulls",),
            {
                "inputs with a null": sum("null" in v for v in SURROGATE_INPUTS.values()),
                "inputs with an empty string": sum("''" in v for v in SURROGATE_INPUTS.values()),
            },
        ),
    ]


def _raw_orders(seed: int) -> list[dict[int, dict]]:
    from grader.datagen.snapshots import generate_days

    return [{r["order_id"]: r for r in day["order_status"]} for day in generate_days(seed).days]


if __name__ == "__main__":
    print(table(coverage()))
