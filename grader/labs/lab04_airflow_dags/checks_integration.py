"""Lab 04, integration tier: the DAG run for real (dag.test()) on the grader's data and dates."""
from __future__ import annotations

import json

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import check, expect
from grader.labs.lab04_airflow_dags.expected import daily_orders
from grader.model import Tier


def _states(run: dict) -> dict[str, str]:
    return {task_id: t["state"] for task_id, t in run["tasks"].items()}


def _day(a: AirflowArtifacts, run_id: str) -> str:
    return next(r["day"] for r in a.options["runs"] if r["id"] == run_id)


@check(tier=Tier.INTEGRATION, points=3, concepts=["af.xcom", "af.taskflow"])
def busy_day_passes_counts_through_xcom(a: AirflowArtifacts) -> None:
    """On a busy day every task succeeds, summarize's counts travel by XCom and reach the written summary."""
    run = a.run("busy_day")
    day = _day(a, "busy_day")
    want = daily_orders(a.options["data"]["seed"], a.options["data"]["scale"])[day]
    states = _states(run)
    expect(run["state"] == "success", expected=f"the run of {day} to succeed",
           found=f"{run['state']}: {', '.join(f'{k} {v}' for k, v in sorted(states.items()) if v != 'success')}")
    pushed = run["tasks"].get("summarize", {}).get("xcom", {}).get("return_value")
    expect(pushed == want, expected=f"summarize's XCom return_value {want} on {day}", found=pushed)
    written = run["files"].get(f"summary_{day}.json")
    expect(written and json.loads(written) == {"day": day, **want},
           expected=f"summary_{day}.json holding {json.dumps({'day': day, **want})}", found=written or "no file")


@check(tier=Tier.INTEGRATION, points=3, concepts=["af.branching", "af.trigger_rules"])
def quiet_day_takes_the_placeholder_branch(a: AirflowArtifacts) -> None:
    """With no orders the branch follows no_orders, skips the load group, and end still succeeds."""
    run = a.run("quiet_day")
    states = _states(run)
    expect(states.get("no_orders") == "success" and states.get("load.write_summary") == "skipped",
           expected="no_orders success, load.write_summary skipped",
           found=f"no_orders {states.get('no_orders')}, load.write_summary {states.get('load.write_summary')}")
    expect(states.get("end") == "success", expected="end to succeed after a skipped branch",
           found=f"end {states.get('end')}",
           hint="with the default trigger rule all_success, a skipped upstream skips end too: "
                "none_failed_min_one_success joins branches")


@check(tier=Tier.INTEGRATION, points=2, concepts=["af.templating"])
def templates_render_the_logical_date(a: AirflowArtifacts) -> None:
    """{{ ds }}, params and Variables are rendered at run time in announce and write_summary."""
    run = a.run("busy_day")
    day = _day(a, "busy_day")
    announce = (run["tasks"].get("load.announce", {}).get("rendered") or {}).get("bash_command", "")
    expect(day in str(announce) and "data-team" in str(announce),
           expected=f"announce's bash_command rendered with {day} and params.team (data-team)", found=announce)
    kwargs = (run["tasks"].get("load.write_summary", {}).get("rendered") or {}).get("op_kwargs") or {}
    expect(kwargs.get("day") == day and str(kwargs.get("out_dir", "")).endswith("busy_day"),
           expected=f"write_summary op_kwargs day={day} and out_dir from the Variable fernhill_out_dir",
           found={k: kwargs.get(k) for k in ("day", "out_dir")})


@check(tier=Tier.INTEGRATION, points=2, concepts=["af.callbacks", "af.trigger_rules"])
def a_failure_fires_the_callback(a: AirflowArtifacts) -> None:
    """When the raw data is missing, extract_orders fails, the failure callback records it, end does not run."""
    run = a.run("missing_data")
    states = _states(run)
    expect(states.get("extract_orders") == "failed", expected="extract_orders to fail without its data",
           found=f"extract_orders {states.get('extract_orders')}")
    alerts = [x for x in run["alerts"] if isinstance(x, dict)]
    expect(any(x.get("task_id") == "extract_orders" and x.get("dag_id") == "fernhill_orders_daily" for x in alerts),
           expected='an alert line {"dag_id": "fernhill_orders_daily", "task_id": "extract_orders", ...}',
           found=run["alerts"] or "no alert")
    expect(states.get("end") in ("upstream_failed", "skipped"), expected="end not to run after a failure",
           found=f"end {states.get('end')}")
