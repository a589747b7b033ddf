"""Lab 03, definition tier: what the manifest says each snapshot is (before any row is read).

YAML definitions and legacy {% snapshot %} blocks give the same manifest, so either style passes.
"""

from __future__ import annotations

from typing import Any

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import CheckFailed, check, expect
from grader.labs.lab03_snapshots.expected import SNAPSHOTS
from grader.model import Tier

STAGING = {"orders_snapshot": "stg_order_status"} | dict.fromkeys(
    ("customers_snapshot", "customers_all_snapshot", "customers_hashed_snapshot"), "stg_crm_customers"
)


def _snapshot(a: DbtArtifacts, name: str) -> dict[str, Any]:
    node = a.find("snapshot", name)
    if node is None:
        raise CheckFailed(f"a snapshot named {name}", "no such snapshot in the project")
    return node


def _check_cols(value: Any) -> Any:
    """check_cols as dbt reads it: 'all', or a set of column names (order does not matter)."""
    if isinstance(value, str):
        return value.strip().lower()
    return {str(c).strip().lower() for c in value or []}


def _expect_key_and_strategy(a: DbtArtifacts, name: str) -> None:
    spec = SNAPSHOTS[name]
    config = _snapshot(a, name)["config"]
    want: dict[str, Any] = {"unique_key": spec.key, "strategy": spec.strategy}
    if spec.strategy == "timestamp":
        want["updated_at"] = "updated_at"
    else:
        want["check_cols"] = "all" if name == "customers_all_snapshot" else set(spec.watched)
    got = {
        "unique_key": str(config.get("unique_key")).lower(),
        "strategy": str(config.get("strategy")).lower(),
        "updated_at": str(config.get("updated_at")).lower(),
        "check_cols": _check_cols(config.get("check_cols")),
    }
    wrong = {k: config.get(k) for k, v in want.items() if got[k] != v}
    expect(
        not wrong,
        expected=f"{name}: " + ", ".join(f"{k} {sorted(v) if isinstance(v, set) else v}" for k, v in want.items()),
        found=f"{name}: " + ", ".join(f"{k} {v!r}" for k, v in wrong.items()),
    )


@check(tier=Tier.DEFINITION, points=2, concepts=["snap.timestamp", "snap.config"])
def orders_snapshot_declares_key_and_timestamp(a: DbtArtifacts) -> None:
    """orders_snapshot: unique_key order_id, the timestamp strategy on updated_at."""
    _expect_key_and_strategy(a, "orders_snapshot")


@check(tier=Tier.DEFINITION, points=2, concepts=["snap.check", "snap.config"])
def customer_snapshots_declare_key_and_check_cols(a: DbtArtifacts) -> None:
    """The three customer snapshots: unique_key customer_id, the check strategy on their exercise's columns."""
    for name in ("customers_snapshot", "customers_all_snapshot", "customers_hashed_snapshot"):
        _expect_key_and_strategy(a, name)


@check(tier=Tier.DEFINITION, points=2, concepts=["snap.config"])
def snapshots_read_staging_models(a: DbtArtifacts) -> None:
    """Each snapshot selects from its staging model with ref() (updated_at already in UTC), not from a source."""
    for name, model in STAGING.items():
        parents = _snapshot(a, name)["depends_on"]["nodes"]
        expect(
            parents == [f"model.{a.project_name}.{model}"],
            expected=f"{name} to read ref('{model}') only",
            found=f"it reads {', '.join(parents) or 'nothing'}",
        )


@check(tier=Tier.DEFINITION, points=1, concepts=["snap.config"])
def snapshots_land_in_the_snapshots_schema(a: DbtArtifacts) -> None:
    """Every snapshot sets schema snapshots, apart from the models (target_schema, in a legacy block)."""

    def schema(config: dict[str, Any]) -> Any:
        return config.get("schema") or config.get("target_schema")

    wrong = {n: schema(_snapshot(a, n)["config"]) for n in SNAPSHOTS}
    wrong = {n: s for n, s in wrong.items() if str(s).lower() != "snapshots"}
    expect(not wrong, expected="schema: snapshots on every snapshot", found=f"schema {wrong}")


@check(tier=Tier.DEFINITION, points=2, concepts=["snap.hard_deletes"])
def hard_deletes_are_configured(a: DbtArtifacts) -> None:
    """orders_snapshot invalidates deleted orders; customers_snapshot records deletions as new rows."""
    orders = _snapshot(a, "orders_snapshot")["config"]
    customers = _snapshot(a, "customers_snapshot")["config"]
    # the legacy flag invalidate_hard_deletes: true still means invalidate in dbt 1.11
    orders_mode = "invalidate" if orders.get("invalidate_hard_deletes") else str(orders.get("hard_deletes"))
    expect(
        orders_mode == "invalidate" and str(customers.get("hard_deletes")) == "new_record",
        expected="orders_snapshot hard_deletes: invalidate, customers_snapshot hard_deletes: new_record",
        found=f"orders_snapshot {orders_mode}, customers_snapshot {customers.get('hard_deletes')}",
    )


@check(tier=Tier.DEFINITION, points=1, concepts=["snap.downstream"])
def as_of_model_reads_the_snapshot(a: DbtArtifacts) -> None:
    """customers_as_of reads ref('customers_snapshot'), the history, not today's staging model."""
    node = a.find("model", "customers_as_of")
    if node is None:
        raise CheckFailed("a model named customers_as_of", "no such model")
    parents = node["depends_on"]["nodes"]
    expect(
        f"snapshot.{a.project_name}.customers_snapshot" in parents,
        expected="customers_as_of to ref('customers_snapshot')",
        found=f"it reads {', '.join(parents) or 'nothing'}",
    )
