"""Lab 03, integration tier: each snapshot's history after the last day, one rule at a time.

Each check compares the part of the history its rule decides, so one wrong setting costs the
points of that rule only: the versions a strategy opens (their start and values), the ends a
hard delete writes, the meta fields, and the as-of model read on the grader's dates.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import check, expect
from grader.datagen.snapshots import STORIES
from grader.labs.lab03_snapshots import GRADING_SEED
from grader.labs.lab03_snapshots.expected import FOREVER, SNAPSHOTS, as_of, extracts, history
from grader.labs.lab03_snapshots.history import (
    columns,
    differences,
    found,
    instant,
    relation,
    require_table,
    wanted,
)
from grader.labs.lab03_snapshots.probes import AS_OF
from grader.model import Tier

DELETED_ORDERS = {9003, 9004}
DELETED_CUSTOMERS = {904, 906}


def _starts(rows: list[tuple]) -> list[tuple]:
    """The versions a strategy opened, without the ends and deletion rows hard deletes add."""
    return [(r[0], r[1], ..., False, *r[4:]) for r in rows if not r[3]]  # ...: the end is not this rule's


def _compare(got: list[tuple], want: list[tuple], what: str, keys: set[int] | None = None) -> None:
    diff = differences(got, want, keys)
    expect(not diff, expected=what, found=diff, hint=_story(diff))


def _story(diff: str) -> str:
    if not diff.startswith("key "):
        return ""
    key = diff.split()[1].rstrip(":")
    return f"key {key} is the one whose {STORIES[int(key)]}" if key.isdigit() and int(key) in STORIES else ""


@check(tier=Tier.INTEGRATION, points=2, concepts=["snap.timestamp"])
def staging_models_clean_the_extracts(a: DbtArtifacts) -> None:
    """On day 1 the staging models hold one row per key, updated_at in UTC and the amount in euros (exercise 2.2)."""
    for model, table, extra in (
        ("stg_order_status", "order_status", "amount"),
        ("stg_crm_customers", "crm_customers", "email"),
    ):
        key = "order_id" if table == "order_status" else "customer_id"
        rows = a.query_by_key(f"select {key}, updated_at, {extra} from {model}", "day_1")
        want = extracts(GRADING_SEED, table)[0]
        wrong = sorted(
            k
            for k in set(want) | set(rows)
            if k not in rows
            or k not in want
            or instant(rows[k][0]) != want[k]["updated_at"]
            or (extra == "amount" and Decimal(str(rows[k][1])) != Decimal(want[k]["amount_cents"]) / 100)
        )
        k = wrong[0] if wrong else None
        expect(
            not wrong,
            expected=f"{model}: every {key} of the extract once, updated_at in UTC"
            + (", amount = amount_cents / 100" if extra == "amount" else ""),
            found=f"{len(wrong)} keys differ; {key} {k}: "
            + (f"{rows.get(k)!r}" if k in rows else "missing")
            + (f", expected ({want[k]['updated_at']}, ...)" if k in want else ", not in the extract"),
        )


@check(tier=Tier.INTEGRATION, points=3, concepts=["snap.timestamp"])
def orders_snapshot_follows_updated_at(a: DbtArtifacts) -> None:
    """orders_snapshot opens a version whenever an order's UTC updated_at moves on, starting at that updated_at."""
    _compare(
        _starts(found(a, "orders_snapshot")),
        _starts(wanted("orders_snapshot")),
        "one version per updated_at of each order, valid from it (updated_at in UTC)",
    )


@check(tier=Tier.INTEGRATION, points=3, concepts=["snap.check"])
def check_cols_snapshot_watches_three_columns(a: DbtArtifacts) -> None:
    """customers_snapshot opens a version when email, country_code or loyalty_tier changes, and for nothing else."""
    _compare(
        _starts(found(a, "customers_snapshot")),
        _starts(wanted("customers_snapshot")),
        "a new version at the run after each change of email, country_code or loyalty_tier",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["snap.check"])
def check_all_snapshot_watches_every_column(a: DbtArtifacts) -> None:
    """customers_all_snapshot opens a version when any column changes, updated_at included."""
    _compare(
        found(a, "customers_all_snapshot"),
        wanted("customers_all_snapshot"),
        "a new version at the run after any change, a touch of updated_at included",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["snap.surrogate_key", "snap.check"])
def hashed_snapshot_watches_the_profile_hash(a: DbtArtifacts) -> None:
    """customers_hashed_snapshot opens a version when profile_hash changes: any of the four profile columns."""
    _compare(
        _starts(found(a, "customers_hashed_snapshot")),
        _starts(wanted("customers_hashed_snapshot")),
        "a new version when email, country_code, loyalty_tier or newsletter changes, not for a touch",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["snap.hard_deletes"])
def deleted_orders_are_invalidated(a: DbtArtifacts) -> None:
    """An order missing from the day's extract has its version ended at that day's run; back, it opens a new one."""
    _compare(
        found(a, "orders_snapshot"),
        wanted("orders_snapshot"),
        "the deleted orders' versions ended at the run that found them gone",
        DELETED_ORDERS,
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["snap.hard_deletes"])
def deleted_customers_get_a_deleted_record(a: DbtArtifacts) -> None:
    """A customer missing from the extract gets a row with dbt_is_deleted 'True'; back, a new current row."""
    expect(
        "dbt_is_deleted" in columns(a, "customers_snapshot"),
        expected="a dbt_is_deleted column in customers_snapshot (hard_deletes: new_record)",
        found=f"columns {', '.join(columns(a, 'customers_snapshot'))}",
    )
    _compare(
        found(a, "customers_snapshot"),
        wanted("customers_snapshot"),
        "a deleted row from the run that found the customer gone, ended when they came back",
        DELETED_CUSTOMERS,
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["snap.meta_fields"])
def meta_fields_are_filled(a: DbtArtifacts) -> None:
    """Each row has its own dbt_scd_id and the right dbt_updated_at; current rows end open (or dbt_valid_to_current)."""
    for name, spec in SNAPSHOTS.items():
        require_table(a, name)
        table = relation(a, name)
        rows = a.query(f"select count(*), count(distinct dbt_scd_id), count(dbt_scd_id) from {table}", "day_6")[0]
        expect(
            rows[0] == rows[1] == rows[2],
            expected=f"{name}: a distinct, non-null dbt_scd_id per row",
            found=f"{rows[0]} rows, {rows[1]} distinct dbt_scd_id, {rows[0] - rows[2]} null",
        )
        stamped = sorted(
            (int(k), str(u)) for k, u in a.query(f"select {spec.key}, dbt_updated_at from {table}", "day_6")
        )
        want = sorted((v.key, str(v.updated_at)) for v in history(name, GRADING_SEED))
        expect(stamped == want, expected=f"{name}: dbt_updated_at of each version", found=_first_gap(stamped, want))
        still_open = "is null" if spec.valid_to_current is None else f"= '{FOREVER}'"
        current = a.query(f"select count(*) from {table} where dbt_valid_to {still_open}", "day_6")[0][0]
        want_current = sum(1 for v in history(name, GRADING_SEED) if v.valid_to is None)
        expect(
            current == want_current,
            expected=f"{name}: {want_current} current rows, dbt_valid_to "
            + ("null" if spec.valid_to_current is None else "9999-12-31 (dbt_valid_to_current)"),
            found=f"{current}",
        )


def _first_gap(got: list[tuple], want: list[tuple]) -> str:
    extra = sorted(set(got) - set(want))
    lacking = sorted(set(want) - set(got))
    return f"unexpected {extra[:2]}, missing {lacking[:2]}"


@check(tier=Tier.INTEGRATION, points=3, concepts=["snap.downstream"])
def as_of_model_returns_the_state_on_each_date(a: DbtArtifacts) -> None:
    """customers_as_of gives each customer as they were at var('as_of'): from <= as_of < to, deleted ones left out."""
    for name, when in AS_OF.items():
        probe = a.probe(f"as_of_{name}")
        expect(
            probe.get("ok"), expected=f"customers_as_of to run with as_of {when}", found=probe.get("error", "")[:500]
        )
        cols = [c.lower() for c in probe["columns"]]
        need = ["customer_id", "email", "country_code", "loyalty_tier"]
        expect(all(c in cols for c in need), expected=f"columns {', '.join(need)}", found=", ".join(cols))
        got = sorted(tuple(row[cols.index(c)] for c in need) for row in probe["rows"])
        want = sorted((k, *v) for k, v in as_of(GRADING_SEED, datetime.fromisoformat(when)).items())
        ids = [r[0] for r in got]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        expect(
            not twice,
            expected=f"one row per customer at {when}",
            found=f"customers {twice[:3]} twice",
            hint="at a run time one version ends and the next starts: valid_to must be compared with >, not >=",
        )
        expect(
            got == want,
            expected=f"{len(want)} customers at {when}",
            found=f"{len(got)} rows; first difference: {sorted(set(got) ^ set(want))[:2]}",
        )
