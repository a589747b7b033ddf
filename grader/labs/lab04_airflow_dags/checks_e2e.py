"""Lab 04, E2E tier: a DAG builds the lab 01 dbt project and a snapshot, the same day twice, then a bad delivery.

The job stages the reference lab 01 project and its warehouse (grader/sandbox/extensions/dbt_warehouse.py); after
each run it sums up raw.orders, the orders mart and the snapshot of the orders'
status. The expected figures come from the generator.
"""

from __future__ import annotations

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import check, expect
from grader.labs.lab04_airflow_dags.checks_integration import _states
from grader.labs.lab04_airflow_dags.expected import deliveries, distinct_orders
from grader.labs.lab04_airflow_dags.probes import WAREHOUSE_DAG_ID
from grader.model import Tier
from grader.sandbox.extensions.dbt_warehouse import SNAPSHOT_NAME


def _dbt_tasks(run: dict) -> dict[str, str]:
    """Tasks whose rendered command runs dbt, and their states."""
    return {
        task_id: t["state"]
        for task_id, t in run["tasks"].items()
        if "dbt " in str((t.get("rendered") or {}).get("bash_command", ""))
    }


def _ancestors(tasks: dict[str, dict], task_id: str) -> set[str]:
    """Every task upstream of ``task_id``, directly or through others."""
    seen: set[str] = set()
    todo = list(tasks.get(task_id, {}).get("upstream", []))
    while todo:
        upstream = todo.pop()
        if upstream not in seen:
            seen.add(upstream)
            todo += tasks.get(upstream, {}).get("upstream", [])
    return seen


@check(tier=Tier.E2E, points=3, concepts=["af.orchestrate_dbt"])
def dbt_builds_the_warehouse_after_the_days_load(a: AirflowArtifacts) -> None:
    """fernhill_warehouse_daily loads the day's deliveries, then dbt builds the marts on them (after load and deps)."""
    run = a.run("warehouse_day")
    seed, scale = a.options["data"]["seed"], a.options["data"]["scale"]
    day = a.options["warehouse"]["day"]
    expect(run["state"] == "success", expected=f"the run of {day} to succeed", found=_states(run) or "no task ran")
    expect(
        any(state == "success" for state in _dbt_tasks(run).values()),
        expected="a BashOperator running `dbt build` (or dbt seed/run/test) that succeeds",
        found=_states(run),
    )
    state = run.get("warehouse", {})
    delivered = deliveries(seed, scale)[day]
    expect(
        state.get("raw_orders_of_day") == delivered,
        expected=f"raw.orders holding the {delivered} rows delivered on {day}",
        found=state.get("raw_orders_of_day"),
    )
    # the structure the text asks for, on the DAG as parsed: a serial test run would hide a missing edge
    tasks = a.tasks(WAREHOUSE_DAG_ID)
    before = _ancestors(tasks, "dbt_build")
    expect(
        {"load_orders", "dbt_deps"} <= before,
        expected="dbt_build downstream of both load_orders and dbt_deps",
        found=f"dbt_build runs after: {sorted(before) or 'nothing'}" if "dbt_build" in tasks else sorted(tasks),
    )
    orders = distinct_orders(seed, scale)
    expect(
        state.get("mart_orders") == orders,
        expected=f"the orders mart with {orders} orders, those of {day} included: dbt builds after the load",
        found=state.get("mart_orders") if "errors" not in state else state["errors"],
        hint="the dbt task must come downstream of the load task",
    )


@check(tier=Tier.E2E, points=2, concepts=["af.orchestrate_dbt"])
def dbt_snapshots_the_order_status_each_day(a: AirflowArtifacts) -> None:
    """The DAG's dbt also snapshots the orders' status: after the day's run, one current version per order."""
    # a rerun adding versions is the idempotency check's to charge (its state holds the snapshot)
    before = a.run("warehouse_day").get("warehouse", {})
    orders = distinct_orders(a.options["data"]["seed"], a.options["data"]["scale"])
    found = {k: before.get(k) for k in ("snapshot_versions", "snapshot_current")}
    expect(
        found == {"snapshot_versions": orders, "snapshot_current": orders},
        expected=f"{SNAPSHOT_NAME} holding one current row for each of the {orders} orders after the first run",
        found=found if found["snapshot_versions"] is not None else f"no snapshot: {_snapshot_errors(before)}",
        hint="`dbt build` runs the snapshots in the graph's order; `dbt run` and `dbt test` never do",
    )


def _snapshot_errors(state: dict) -> str:
    """What went wrong reading the snapshot (it was never built, most often)."""
    errors = [e for e in state.get("errors", []) if e.startswith("snapshot_")]
    return "; ".join(errors)[:300] or "the warehouse was never read"


@check(tier=Tier.E2E, points=2, concepts=["af.orchestrate_dbt"])
def a_failing_dbt_test_fails_the_run(a: AirflowArtifacts) -> None:
    """A delivery with an order without id breaks the not_null test: the dbt task, and the run, fail."""
    ok = a.run("warehouse_day")
    expect(_dbt_tasks(ok), expected="a task running dbt", found=f"tasks {sorted(ok['tasks'])}")
    run = a.run("warehouse_bad_delivery")
    failed = [task_id for task_id, state in _dbt_tasks(run).items() if state == "failed"]
    expect(
        run["state"] == "failed" and failed,
        expected="the dbt task to fail on the failing test, and the run with it",
        found=f"run {run['state']}: {_states(run)}",
        hint="dbt exits with 1 when a test fails; `|| true`, or `dbt run` without the tests, hides it",
    )


@check(tier=Tier.E2E, points=3, concepts=["af.idempotency"])
def the_same_day_twice_leaves_the_same_warehouse(a: AirflowArtifacts) -> None:
    """Run for the same logical date again, the DAG leaves raw.orders, marts and snapshot as one run did."""
    first, again = a.run("warehouse_day"), a.run("warehouse_day_again")
    seed, scale = a.options["data"]["seed"], a.options["data"]["scale"]
    day = a.options["warehouse"]["day"]
    expect(again["state"] == "success", expected=f"the second run of {day} to succeed", found=_states(again))
    before, after = first.get("warehouse", {}), again.get("warehouse", {})
    delivered = deliveries(seed, scale)[day]
    expect(
        before.get("raw_orders_of_day") == delivered,
        expected=f"the first run loading the {delivered} rows of {day}",
        found=before.get("raw_orders_of_day"),
    )
    changed = {k: f"{before.get(k)} -> {after.get(k)}" for k in sorted(before) if before.get(k) != after.get(k)}
    expect(
        not changed,
        expected="the same raw.orders, orders mart and snapshot after the second run",
        found=changed,
        hint="delete the day's rows before inserting them, in one transaction (or merge on a key): "
        "a plain insert loads the delivery twice",
    )
