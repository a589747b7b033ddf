"""Lab 05, integration tier: the DAGs run for real (dag.test()) while the world they wait for
changes: files landing late, a service warming up, a row turning complete, another DAG's run.
Part two's DAGs run on the Celery deployment, where the scheduler decides who waits for a pool
slot, who goes first and how many run at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import check, expect
from grader.labs.lab05_sensors_pools import timeline
from grader.labs.lab05_sensors_pools.probes import DAY, HEALTH, HISTORY_DAYS, HISTORY_POOL, STORE_TASKS, SUPPLIERS
from grader.model import Tier


def _task(run: dict[str, Any], task_id: str) -> dict[str, Any]:
    return run["tasks"].get(task_id) or {"state": "missing"}


def _states(run: dict[str, Any]) -> dict[str, str]:
    """Each task's state, with what a failed task raised."""
    return {
        task_id: t["state"] + (f" ({t['error'][:200]})" if t.get("error") else "")
        for task_id, t in sorted(run["tasks"].items())
    }


@check(tier=Tier.INTEGRATION, points=2, concepts=["sen.file", "sen.custom"])
def landing_waits_for_the_full_batch(a: AirflowArtifacts) -> None:
    """The export lands late and fills in two steps: load_orders gets check_batch's XCom of the full file (12 rows)."""
    run = a.run("landing_day")
    want = {"file": f"orders_{DAY}.csv", "rows": 12}
    pushed = _task(run, "check_batch").get("xcom", {}).get("return_value")
    expect(
        _task(run, "wait_for_orders")["state"] == "success" and pushed == want,
        expected=f"wait_for_orders success, check_batch's XCom {want}",
        found={"states": _states(run), "check_batch XCom": pushed},
        hint="the file appears with 4 rows, then 12: a FileSensor alone would let the 4-row file through",
    )
    loaded = _task(run, "load_orders").get("xcom", {}).get("return_value") or {}
    expect(
        {k: loaded.get(k) for k in ("file", "rows")} == want,
        expected=f"load_orders to receive check_batch's XCom ({want})",
        found=loaded or _task(run, "load_orders")["state"],
    )


@check(tier=Tier.INTEGRATION, points=1, concepts=["sen.basics"])
def reschedule_mode_gives_the_slot_back(a: AirflowArtifacts) -> None:
    """While the export is missing, wait_for_orders is rescheduled (task_reschedule rows), not holding its slot."""
    task = _task(a.run("landing_day"), "wait_for_orders")
    rescheduled = len(task.get("reschedules", []))
    expect(
        task["state"] == "success" and rescheduled >= 1,
        expected="wait_for_orders to succeed after one or more reschedules",
        found=f"{task['state']}, {rescheduled} task_reschedule rows",
        hint="mode='reschedule' ends the task between pokes; poke mode sleeps in its worker slot",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["sen.basics"])
def a_day_without_promotions_is_skipped_not_failed(a: AirflowArtifacts) -> None:
    """No promotions file: wait_for_promotions times out as skipped, apply_promotions is skipped, the run succeeds."""
    run = a.run("landing_day")
    states = _states(run)
    expect(
        run["state"] == "success"
        and _task(run, "wait_for_promotions")["state"] == "skipped"
        and _task(run, "apply_promotions")["state"] == "skipped",
        expected="wait_for_promotions and apply_promotions skipped, the run a success",
        found={"run": run["state"], **states},
        hint="a sensor that times out fails (AirflowSensorTimeout, not retried); soft_fail=True skips it instead",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["sen.http"])
def supplier_sync_fetches_only_once_the_api_is_ready(a: AirflowArtifacts) -> None:
    """/health answers 404, 503, 200 'starting', 'warming', then 'ready': the sensor waits, then the fetch succeeds."""
    run = a.run("supplier_day")
    health = [r for r in run["http"] if r["path"].split("?")[0].rstrip("/") == "/health"]
    fetched = _task(run, "fetch_suppliers")
    expect(
        _task(run, "wait_for_supplier_api")["state"] == "success" and len(health) >= len(HEALTH),
        expected=f"wait_for_supplier_api to succeed after polling /health through {HEALTH}",
        found=f"{_task(run, 'wait_for_supplier_api')['state']} after {len(health)} polls of /health",
        hint="a 503 fails the poke unless it is in response_error_codes_allowlist; "
        "a 200 saying 'starting' is not ready: the response_check decides",
    )
    expect(
        fetched["state"] == "success" and fetched.get("xcom", {}).get("return_value") == SUPPLIERS,
        expected=f"fetch_suppliers to succeed with {SUPPLIERS} suppliers",
        found=f"{fetched['state']}, XCom {fetched.get('xcom', {}).get('return_value')}",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["sen.sql"])
def batch_is_published_only_when_complete(a: AirflowArtifacts) -> None:
    """The day's row is 'loading' for 4 s beside yesterday's 'complete' one: publish_batch must read 'complete'."""
    run = a.run("batch_day")
    published = _task(run, "publish_batch")
    expect(
        _task(run, "wait_for_batch")["state"] == "success"
        and published.get("xcom", {}).get("return_value") == "complete",
        expected=f"wait_for_batch success, then publish_batch reading 'complete' for {DAY}",
        found=f"wait_for_batch {_task(run, 'wait_for_batch')['state']}, "
        f"publish_batch read {published.get('xcom', {}).get('return_value')!r}",
        hint="the query must pick the row of {{ ds }} and its status 'complete': "
        "a row of another day, or one still loading, must not count",
    )


def _moment(text: Any) -> datetime | None:
    """A rendered moment as a value: '2025-03-04 07:30:00+00:00' and '2025-03-04T07:30:00Z' are the same."""
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def _cutoff(run: dict[str, Any]) -> datetime:
    """30 minutes after the run's logical date."""
    return datetime.fromisoformat(run["logical_date"]) + timedelta(minutes=30)


@check(tier=Tier.INTEGRATION, points=2, concepts=["sen.time", "sen.external_task"])
def report_waits_for_the_cutoff_and_the_landing_run(a: AirflowArtifacts) -> None:
    """The 07:00 run's cut-off renders as 07:30 of its day; it finds the 06:00 landing run and builds the report."""
    run = a.run("reporting_day")
    target = (_task(run, "wait_for_cutoff").get("rendered") or {}).get("target_time")
    want = _cutoff(run)
    expect(
        _moment(target) == want,
        expected=f"wait_for_cutoff's target_time rendered as {want.isoformat()}",
        found=target,
    )
    expect(
        _task(run, "wait_for_landing")["state"] == "success" and _task(run, "build_report")["state"] == "success",
        expected="wait_for_landing to find fernhill_landing's load_orders of the 06:00 run, then build_report",
        found=_states(run),
        hint="without execution_delta the sensor looks for a landing run at 07:00, which never exists",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["sen.deferrable", "sen.time"])
def cutoff_defers_to_a_trigger(a: AirflowArtifacts) -> None:
    """A cut-off 5 s ahead: wait_for_cutoff defers to a DateTimeTrigger and succeeds once its time has come."""
    run = a.run("reporting_deferred")
    task = _task(run, "wait_for_cutoff")
    want = _cutoff(run)
    ended = _moment(task.get("end"))
    expect(
        task["state"] == "success" and str(task.get("trigger") or "").endswith("DateTimeTrigger"),
        expected="wait_for_cutoff to succeed after deferring to a DateTimeTrigger",
        found=f"{task['state']}, trigger {task.get('trigger')}",
        hint="a deferrable sensor hands the wait to the triggerer and frees its worker slot; "
        "a poking sensor never writes a trigger",
    )
    expect(
        ended is not None and ended >= want,
        expected=f"wait_for_cutoff to end at or after {want.isoformat()}",
        found=task.get("end"),
    )


# --- part two, on the Celery deployment: the scheduler's decisions, read from the metadata DB ---


@check(tier=Tier.INTEGRATION, points=2, concepts=["pool.pools"])
def supplier_calls_never_overlap(a: AirflowArtifacts) -> None:
    """The four supplier calls of two DAGs, triggered together, succeed one after another: never two at once."""
    calls = timeline.supplier_calls(a.cluster_phase("contention"))
    found = {t: f"{ti['state']} in {ti.get('pool')}, {timeline.clock(ti)}" for t, ti in calls.items()}
    expect(
        all(ti["state"] == "success" for ti in calls.values()) and timeline.most_at_once(list(calls.values())) == 1,
        expected="every supplier call a success, at most one running at any moment",
        found={"at most at once": timeline.most_at_once(list(calls.values())), **found},
        hint="a pool caps the running tasks of every DAG that uses it; its slots are the cap",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["pool.priority"])
def promotions_call_is_served_first(a: AirflowArtifacts) -> None:
    """With every call waiting for the pool, refresh_promotions (weight 10 in the metadata DB) starts first."""
    calls = timeline.supplier_calls(a.cluster_phase("contention"))
    promotions = calls["refresh_promotions"]
    weights = {t: ti.get("priority_weight") for t, ti in calls.items()}
    expect(
        promotions.get("priority_weight") == 10,
        expected="refresh_promotions's priority_weight 10 in the metadata DB (absolute: its own weight alone)",
        found=weights,
        hint="weight_rule downstream adds publish_promotions's weight: 11",
    )
    if timeline.most_at_once(list(calls.values())) == 1:  # one slot: the order is the scheduler's choice alone
        order = sorted((s[0], t) for t, ti in calls.items() if (s := timeline.interval(ti)))
        expect(
            bool(order) and order[0][1] == "refresh_promotions",
            expected="refresh_promotions to start before the other supplier calls",
            found=[f"{t} {timeline.clock(calls[t])}" for _, t in order],
            hint="among tasks waiting for the same pool, the scheduler takes the highest priority_weight first",
        )


@check(tier=Tier.INTEGRATION, points=2, concepts=["pool.parallelism"])
def at_most_two_store_reports_at_once(a: AirflowArtifacts) -> None:
    """The four store reports succeed with never more than two running, though four worker slots are free."""
    phase = a.cluster_phase("contention")
    reports = {t: timeline.task(phase, "fernhill_store_reports", t) for t in STORE_TASKS}
    peak = timeline.most_at_once(list(reports.values()))
    expect(
        all(ti["state"] == "success" for ti in reports.values()) and 1 <= peak <= 2,
        expected="every store report a success, at most 2 running at any moment",
        found={"at most at once": peak, **{t: f"{ti['state']}, {timeline.clock(ti)}" for t, ti in reports.items()}},
        hint="max_active_tasks caps one run's running and queued tasks; the two workers have 4 slots in all",
    )


@check(tier=Tier.INTEGRATION, points=1, concepts=["q.queues"])
def index_rebuild_is_queued_on_heavy(a: AirflowArtifacts) -> None:
    """rebuild_stock_index reaches the Celery queue heavy (task_instance.queue) and succeeds there."""
    rebuild = timeline.task(a.cluster_phase("contention"), "fernhill_stock_refresh", "rebuild_stock_index")
    expect(
        rebuild["state"] == "success" and rebuild.get("queue") == "heavy",
        expected="rebuild_stock_index: success, queue 'heavy'",
        found={k: rebuild.get(k) for k in ("state", "queue", "hostname")},
    )


def _history_runs(a: AirflowArtifacts) -> list[dict[str, Any]]:
    """Every run of the history DAG in the backfill phase: the backfill's and the DAG's own scheduled one."""
    backfill = a.cluster_phase("backfill").get("backfill") or {}
    return backfill.get("runs", [])


@check(tier=Tier.INTEGRATION, points=2, concepts=["pool.backfill_deadlock"])
def backfill_rebuilds_three_days_two_runs_at_a_time(a: AirflowArtifacts) -> None:
    """The learner's backfill makes a run for each of 1, 2 and 3 November; each succeeds, at most two running."""
    phase = a.cluster_phase("backfill")
    runs = [r for r in _history_runs(a) if r.get("run_type") == "backfill"]
    found = {str(r.get("logical_date"))[:10]: f"{r['state']}, {timeline.clock(r)}" for r in runs}
    peak = timeline.most_at_once(runs)
    expect(
        sorted(found) == HISTORY_DAYS and all(r["state"] == "success" for r in runs) and peak <= 2,
        expected=f"one successful backfill run for each of {', '.join(HISTORY_DAYS)}, at most 2 running at once",
        found={"at most at once": peak, **found} if runs else {"notes": phase.get("notes", [])},
        hint="a backfill's runs count against the backfill's --max-active-runs (10 when left out), "
        "not against the DAG's max_active_runs",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["pool.backfill_deadlock"])
def history_tasks_never_take_more_than_two_slots(a: AirflowArtifacts) -> None:
    """Every history task succeeds in the pool history, never more than two at once, though the workers have four slots.

    That is every task of every history run: the backfill's and the nightly one beside it.
    """
    runs = _history_runs(a)
    tis = [dict(ti, run=str(r.get("logical_date"))[:10], id=t) for r in runs for t, ti in r["tasks"].items()]
    peak = timeline.most_at_once(tis)
    outside = sorted({f"{ti['id']} in {ti.get('pool')}" for ti in tis if ti.get("pool") != HISTORY_POOL})
    failed = sorted(f"{ti['run']} {ti['id']}: {ti['state']}" for ti in tis if ti["state"] != "success")
    expect(
        bool(tis) and not outside and not failed and peak <= 2,
        expected=f"every history task a success in the pool {HISTORY_POOL}, at most 2 running at any moment",
        found={"tasks": len(tis), "at most at once": peak, "outside the pool": outside, "not successful": failed},
        hint="without a pool of its own, a backfill's tasks take every free worker slot and the other DAGs "
        "wait behind them",
    )
