"""Lab 05, definition tier: what the learner set on each sensor, read from the parsed DAGs.

The runs shorten every sensor's poke_interval and timeout (the grader cannot wait hours), so the
values asked for are checked here, as numbers: ``timeout=7200``, ``timeout=2 * 60 * 60`` and
``timedelta(hours=2)`` are the same setting.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import check, expect
from grader.labs.lab05_sensors_pools.probes import (
    EXPORT,
    HISTORY_DAG,
    HISTORY_DAYS,
    HISTORY_POOL,
    STORE_TASKS,
    SUPPLIER_POOL,
    SUPPLIER_TASKS,
)
from grader.model import Tier


def _task(a: AirflowArtifacts, dag_id: str, task_id: str) -> dict[str, Any]:
    task: dict[str, Any] = a.tasks(dag_id).get(task_id) or {}
    expect(bool(task), expected=f"a task {task_id} in {dag_id}", found=sorted(a.tasks(dag_id)) or "no tasks")
    return task


def _seconds(value: Any) -> float | None:
    """A duration as the DAG description stores it: seconds (a timedelta is written out as its seconds)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _waits_as_asked(task: dict[str, Any], *, poke_s: float, timeout_s: float, mode: str | None) -> None:
    s = task["settings"]
    found = {k: s.get(k) for k in ("poke_interval", "timeout", "mode")}
    ok = _seconds(s.get("poke_interval")) == poke_s and _seconds(s.get("timeout")) == timeout_s
    if mode is not None:
        ok = ok and s.get("mode") == mode
    expect(
        ok,
        expected=f"{task['task_id']}: poke_interval {poke_s:g} s, timeout {timeout_s:g} s"
        + (f", mode {mode!r}" if mode else ""),
        found=found,
        hint="without a timeout a sensor waits 7 days (the default); poke mode holds a worker slot "
        "for the whole wait, reschedule mode gives it back between pokes",
    )


@check(tier=Tier.DEFINITION, points=2, concepts=["sen.basics", "sen.file"])
def landing_sensor_pokes_reschedules_and_gives_up(a: AirflowArtifacts) -> None:
    """wait_for_orders is a FileSensor on fernhill_landing: every 60 s, for at most 2 hours, in reschedule mode."""
    task = _task(a, "fernhill_landing", "wait_for_orders")
    expect(
        task["operator"] == "FileSensor" and task["settings"].get("fs_conn_id") == "fernhill_landing",
        expected="wait_for_orders: a FileSensor with fs_conn_id='fernhill_landing'",
        found=f"{task['operator']} with fs_conn_id {task['settings'].get('fs_conn_id')!r}",
    )
    _waits_as_asked(task, poke_s=60, timeout_s=2 * 3600, mode="reschedule")


@check(tier=Tier.DEFINITION, points=1, concepts=["sen.basics"])
def promotions_sensor_fails_softly(a: AirflowArtifacts) -> None:
    """wait_for_promotions sets soft_fail and waits every 60 s for at most 30 minutes, in reschedule mode."""
    task = _task(a, "fernhill_landing", "wait_for_promotions")
    expect(
        task["settings"].get("soft_fail") is True,
        expected="wait_for_promotions with soft_fail=True",
        found=f"soft_fail {task['settings'].get('soft_fail')}",
        hint="a day without promotions is normal: soft_fail turns the timeout into skipped",
    )
    _waits_as_asked(task, poke_s=60, timeout_s=30 * 60, mode="reschedule")


@check(tier=Tier.DEFINITION, points=1, concepts=["sen.custom"])
def batch_check_is_the_custom_sensor(a: AirflowArtifacts) -> None:
    """check_batch is an OrderBatchSensor with min_rows 10, every 30 s for at most 1 hour, in reschedule mode."""
    task = _task(a, "fernhill_landing", "check_batch")
    expect(
        task["operator"] == "OrderBatchSensor" and task["settings"].get("min_rows") == 10,
        expected="check_batch: OrderBatchSensor(min_rows=10, ...)",
        found=f"{task['operator']} with min_rows {task['settings'].get('min_rows')}",
    )
    _waits_as_asked(task, poke_s=30, timeout_s=3600, mode="reschedule")


@check(tier=Tier.DEFINITION, points=2, concepts=["sen.http"])
def http_sensor_checks_health_and_tolerates_warm_up(a: AirflowArtifacts) -> None:
    """wait_for_supplier_api polls health on fernhill_supplier_api with a response_check, 404 and 503 allowed."""
    task = _task(a, "fernhill_supplier_sync", "wait_for_supplier_api")
    s = task["settings"]
    expect(
        task["operator"] == "HttpSensor"
        and s.get("http_conn_id") == "fernhill_supplier_api"
        and str(s.get("endpoint", "")).strip("/") == "health",
        expected="an HttpSensor on http_conn_id 'fernhill_supplier_api', endpoint 'health'",
        found={"operator": task["operator"], "http_conn_id": s.get("http_conn_id"), "endpoint": s.get("endpoint")},
    )
    allowed = {str(c) for c in s.get("response_error_codes_allowlist") or []}
    expect(
        {"404", "503"} <= allowed and s.get("response_check") is not None,
        expected="response_error_codes_allowlist holding 404 and 503, and a response_check",
        found={"response_error_codes_allowlist": sorted(allowed), "response_check": s.get("response_check")},
        hint="HttpSensor retries a 404 by default, but a 503 fails the poke unless it is in the allowlist",
    )
    _waits_as_asked(task, poke_s=30, timeout_s=600, mode=None)


@check(tier=Tier.DEFINITION, points=1, concepts=["sen.sql"])
def sql_sensor_polls_the_control_db(a: AirflowArtifacts) -> None:
    """wait_for_batch is a SqlSensor on fernhill_control, every 2 minutes for at most 6 hours, in reschedule mode."""
    task = _task(a, "fernhill_batch_gate", "wait_for_batch")
    expect(
        task["operator"] == "SqlSensor" and task["settings"].get("conn_id") == "fernhill_control",
        expected="wait_for_batch: a SqlSensor with conn_id='fernhill_control'",
        found=f"{task['operator']} with conn_id {task['settings'].get('conn_id')!r}",
    )
    _waits_as_asked(task, poke_s=120, timeout_s=6 * 3600, mode="reschedule")


@check(tier=Tier.DEFINITION, points=2, concepts=["sen.external_task"])
def reporting_waits_for_the_landing_an_hour_earlier(a: AirflowArtifacts) -> None:
    """wait_for_landing senses fernhill_landing.load_orders an hour before: every 60 s, at most 1 h, rescheduling."""
    task = _task(a, "fernhill_reporting", "wait_for_landing")
    s = task["settings"]
    task_ids = s.get("external_task_ids") or ([s["external_task_id"]] if s.get("external_task_id") else [])
    expect(
        task["operator"] == "ExternalTaskSensor"
        and s.get("external_dag_id") == "fernhill_landing"
        and list(task_ids) == ["load_orders"]
        and _seconds(s.get("execution_delta")) == 3600,
        expected="an ExternalTaskSensor on fernhill_landing, task load_orders, execution_delta of 1 hour",
        found={k: s.get(k) for k in ("external_dag_id", "external_task_id", "execution_delta")}
        | {"operator": task["operator"]},
        hint="the sensor looks for the other DAG's run with the same logical date, minus execution_delta: "
        "07:00 - 1 hour is the 06:00 landing run",
    )
    _waits_as_asked(task, poke_s=60, timeout_s=3600, mode="reschedule")


@check(tier=Tier.DEFINITION, points=1, concepts=["sen.deferrable"])
def cutoff_sensor_is_deferrable(a: AirflowArtifacts) -> None:
    """wait_for_cutoff is a deferrable time sensor (DateTimeSensorAsync) ahead of wait_for_landing."""
    tasks = a.tasks("fernhill_reporting")
    task = _task(a, "fernhill_reporting", "wait_for_cutoff")
    expect(
        task["operator"] == "DateTimeSensorAsync",
        expected="wait_for_cutoff: a DateTimeSensorAsync",
        found=task["operator"],
        hint="DateTimeSensorAsync defers to the triggerer; DateTimeSensor(deferrable=True) does not parse "
        "in the standard provider 1.21",
    )
    expect(
        tasks.get("wait_for_landing", {}).get("upstream") == ["wait_for_cutoff"]
        and tasks.get("build_report", {}).get("upstream") == ["wait_for_landing"],
        expected="wait_for_cutoff >> wait_for_landing >> build_report",
        found={t: tasks[t]["upstream"] for t in ("wait_for_landing", "build_report") if t in tasks},
    )


# --- part two: pools, priorities, parallelism, queues, retries (what the Celery runs then show) ---


@check(tier=Tier.DEFINITION, points=1, concepts=["pool.pools"])
def supplier_calls_share_a_one_slot_pool(a: AirflowArtifacts) -> None:
    """pools.json defines supplier_api with 1 slot, and the four supplier calls of both refresh DAGs use it."""
    pool = a.cluster.get("pools", {}).get(SUPPLIER_POOL)
    expect(
        pool is not None and pool.get("slots") == 1,
        expected=f"pools.json to define {SUPPLIER_POOL} with slots 1 (and a description)",
        found=pool or {"pools": sorted(a.cluster.get("pools", {})), "problems": a.cluster.get("pool_problems")},
        hint="airflow pools import reads a JSON object: pool name -> {slots, description, include_deferred}",
    )
    pools = {t: _task(a, d, t)["pool"] for d, ids in SUPPLIER_TASKS.items() for t in ids}
    expect(
        set(pools.values()) == {SUPPLIER_POOL},
        expected=f"every supplier call in the pool {SUPPLIER_POOL}",
        found=pools,
        hint="a task without pool= runs in default_pool (128 slots): nothing stops two calls at once",
    )


@check(tier=Tier.DEFINITION, points=1, concepts=["pool.priority"])
def promotions_call_is_weighted_first(a: AirflowArtifacts) -> None:
    """refresh_promotions has priority_weight 10 and weight_rule absolute."""
    settings = _task(a, "fernhill_price_refresh", "refresh_promotions")["settings"]
    found = {k: settings.get(k) for k in ("priority_weight", "weight_rule")}
    expect(
        found == {"priority_weight": 10, "weight_rule": "absolute"},
        expected="refresh_promotions: priority_weight 10, weight_rule 'absolute'",
        found=found,
        hint="with the default weight_rule downstream a task's weight is its own plus all its downstream tasks'",
    )


@check(tier=Tier.DEFINITION, points=1, concepts=["pool.parallelism"])
def store_reports_limit_their_runs_and_tasks(a: AirflowArtifacts) -> None:
    """fernhill_store_reports: one task per store, max_active_tasks 2, max_active_runs 1."""
    dag = a.dag("fernhill_store_reports")
    found = {
        "tasks": sorted(a.tasks("fernhill_store_reports")),
        "max_active_tasks": dag.get("max_active_tasks"),
        "max_active_runs": dag.get("max_active_runs"),
    }
    want = {"tasks": sorted(STORE_TASKS), "max_active_tasks": 2, "max_active_runs": 1}
    expect(
        found == want,
        expected=str(want),
        found=found,
        hint="Airflow 3 counts max_active_tasks per DAG run; its default is [core] max_active_tasks_per_dag "
        "(once dag_concurrency, which Airflow 3 no longer reads)",
    )


@check(tier=Tier.DEFINITION, points=1, concepts=["q.queues"])
def index_rebuild_is_sent_to_the_heavy_queue(a: AirflowArtifacts) -> None:
    """rebuild_stock_index has queue heavy and takes refresh_stock's answer."""
    task = _task(a, "fernhill_stock_refresh", "rebuild_stock_index")
    found = {"queue": task["queue"], "upstream": task["upstream"]}
    want = {"queue": "heavy", "upstream": ["refresh_stock"]}
    expect(found == want, expected=str(want), found=found, hint="queue= on the task (or @task(queue=...))")


@check(tier=Tier.DEFINITION, points=1, concepts=["q.worker_failure"])
def export_is_retried_twice_five_seconds_apart(a: AirflowArtifacts) -> None:
    """export_nightly has retries 2 and retry_delay 5 s (a timedelta or a number of seconds alike)."""
    task = _task(a, *EXPORT)
    found = {"retries": task["retries"], "retry_delay": task.get("retry_delay")}
    expect(
        task["retries"] == 2 and _seconds(task.get("retry_delay")) == 5,
        expected="retries 2, retry_delay 5 s",
        found=found,
        hint="a task whose worker is lost fails when its heartbeats stop; only a retry runs it again",
    )


def _midnights(start: str, end: str) -> list[str]:
    """The days whose midnight (the daily run's logical date) lies in [start, end]: a backfill's range is two
    moments, so ``--to-date 2026-11-03T12:00`` and ``--to-date 2026-11-03`` make the same runs."""
    first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    day = first.replace(hour=0, minute=0, second=0, microsecond=0)
    day += timedelta(days=1) if day < first else timedelta()
    days: list[str] = []
    while day <= last and len(days) < 400:
        days.append(day.date().isoformat())
        day += timedelta(days=1)
    return days


@check(tier=Tier.DEFINITION, points=1, concepts=["pool.backfill_deadlock"])
def history_has_its_own_pool_and_a_two_run_backfill(a: AirflowArtifacts) -> None:
    """The pool history has 2 slots and every rebuild; backfill.sh rebuilds 1 to 3 November, 2 runs at once.

    pools.json gives history 2 slots, every rebuild_<store> task of fernhill_sales_history is in it, and
    backfill.sh's command (read by Airflow's own parser) backfills the DAG from 1 to 3 November, 2 runs at once.
    """
    pool = a.cluster.get("pools", {}).get(HISTORY_POOL)
    expect(
        pool is not None and pool.get("slots") == 2,
        expected=f"pools.json to define {HISTORY_POOL} with slots 2 (and a description)",
        found=pool or {"pools": sorted(a.cluster.get("pools", {})), "problems": a.cluster.get("pool_problems")},
    )
    want = {f"rebuild_{t.removeprefix('report_')}" for t in STORE_TASKS}
    pools = {t: task["pool"] for t, task in a.tasks(HISTORY_DAG).items()}
    expect(
        set(pools) == want and set(pools.values()) == {HISTORY_POOL},
        expected=f"{', '.join(sorted(want))}, every one in the pool {HISTORY_POOL}",
        found=pools or "no tasks",
        hint="a backfill's runs all start at once up to its limit: only a pool caps how many of their tasks run",
    )
    command = a.cluster.get("backfill_command") or {}
    args = command.get("args") or {}
    found = {
        "dag_id": args.get("dag_id"),
        "days": _midnights(args["from_date"], args["to_date"]) if args else [],
        "max_active_runs": args.get("max_active_runs"),
    }
    want_args = {"dag_id": HISTORY_DAG, "days": HISTORY_DAYS, "max_active_runs": 2}
    expect(
        found == want_args,
        expected=f"backfill.sh: airflow backfill create for {want_args}",
        found={"command": command.get("command"), **found, "problems": command.get("problems", [])},
        hint="without --max-active-runs a backfill runs up to 10 runs at once; the DAG's own max_active_runs "
        "limits its scheduled runs, not a backfill's",
    )
