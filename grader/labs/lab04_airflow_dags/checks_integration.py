"""Lab 04, integration tier: the DAG run for real (dag.test()) on the grader's data and dates."""

from __future__ import annotations

import json
from datetime import date, timedelta

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import check, expect
from grader.labs.lab04_airflow_dags.expected import daily_orders, suppliers
from grader.labs.lab04_airflow_dags.probes import ISO_WEEKS
from grader.model import Tier
from grader.sandbox.extensions.supplier_standin import WEBHOOK_TOKEN


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
    expect(
        run["state"] == "success",
        expected=f"the run of {day} to succeed",
        found=f"{run['state']}: {', '.join(f'{k} {v}' for k, v in sorted(states.items()) if v != 'success')}",
    )
    pushed = run["tasks"].get("summarize", {}).get("xcom", {}).get("return_value")
    expect(pushed == want, expected=f"summarize's XCom return_value {want} on {day}", found=pushed)
    written = run["files"].get(f"summary_{day}.json")
    expect(
        written and json.loads(written) == {"day": day, **want},
        expected=f"summary_{day}.json holding {json.dumps({'day': day, **want})}",
        found=written or "no file",
    )


@check(tier=Tier.INTEGRATION, points=3, concepts=["af.branching", "af.trigger_rules"])
def quiet_day_takes_the_placeholder_branch(a: AirflowArtifacts) -> None:
    """With no orders the branch follows no_orders, skips the load group, and end still succeeds."""
    run = a.run("quiet_day")
    states = _states(run)
    expect(
        states.get("no_orders") == "success" and states.get("load.write_summary") == "skipped",
        expected="no_orders success, load.write_summary skipped",
        found=f"no_orders {states.get('no_orders')}, load.write_summary {states.get('load.write_summary')}",
    )
    expect(
        states.get("end") == "success",
        expected="end to succeed after a skipped branch",
        found=f"end {states.get('end')}",
        hint="with the default trigger rule all_success, a skipped upstream skips end too: "
        "none_failed_min_one_success joins branches",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["af.templating"])
def templates_render_the_logical_date(a: AirflowArtifacts) -> None:
    """{{ ds }}, params and Variables are rendered at run time in announce and write_summary."""
    run = a.run("busy_day")
    day = _day(a, "busy_day")
    announce = (run["tasks"].get("load.announce", {}).get("rendered") or {}).get("bash_command", "")
    expect(
        day in str(announce) and "data-team" in str(announce),
        expected=f"announce's bash_command rendered with {day} and params.team (data-team)",
        found=announce,
    )
    kwargs = (run["tasks"].get("load.write_summary", {}).get("rendered") or {}).get("op_kwargs") or {}
    expect(
        kwargs.get("day") == day and str(kwargs.get("out_dir", "")).endswith("busy_day"),
        expected=f"write_summary op_kwargs day={day} and out_dir from the Variable fernhill_out_dir",
        found={k: kwargs.get(k) for k in ("day", "out_dir")},
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["af.callbacks", "af.trigger_rules"])
def a_failure_fires_the_callback(a: AirflowArtifacts) -> None:
    """When the raw data is missing, extract_orders fails, the failure callback records it, end does not run."""
    run = a.run("missing_data")
    states = _states(run)
    expect(
        states.get("extract_orders") == "failed",
        expected="extract_orders to fail without its data",
        found=f"extract_orders {states.get('extract_orders')}",
    )
    alerts = [x for x in run["alerts"] if isinstance(x, dict)]
    expect(
        any(x.get("task_id") == "extract_orders" and x.get("dag_id") == "fernhill_orders_daily" for x in alerts),
        expected='an alert line {"dag_id": "fernhill_orders_daily", "task_id": "extract_orders", ...}',
        found=run["alerts"] or "no alert",
    )
    expect(
        states.get("end") in ("upstream_failed", "skipped"),
        expected="end not to run after a failure",
        found=f"end {states.get('end')}",
    )


@check(tier=Tier.INTEGRATION, points=3, concepts=["af.custom_operator", "af.macros", "af.templating"])
def supplier_feed_renders_and_fetches(a: AirflowArtifacts) -> None:
    """The supplier feed runs: templates render (ds, ds_add, the plugin macro), the day's file is written."""
    run = a.run("supplier_day")
    day = _day(a, "supplier_day")
    states = _states(run)
    expect(run["state"] == "success", expected=f"the supplier feed of {day} to succeed", found=states)
    fetch = run["tasks"].get("fetch_suppliers", {})
    expect(fetch, expected="a task fetch_suppliers in fernhill_supplier_feed", found=f"tasks {sorted(run['tasks'])}")
    rendered = fetch.get("rendered") or {}
    week_before = (date.fromisoformat(day) - timedelta(days=7)).isoformat()
    expect(
        rendered.get("day") == day and rendered.get("since") == week_before,
        expected=f"day={day} and since={week_before} ({{{{ macros.ds_add(ds, -7) }}}}) rendered",
        found={k: rendered.get(k) for k in ("day", "since")},
    )
    want = suppliers(a.options["data"]["seed"], a.options["data"]["scale"])
    written = run["files"].get(f"suppliers_{day}.json")
    expect(
        written is not None and json.loads(written) == want,
        expected=f"suppliers_{day}.json in the Variable fernhill_out_dir holding the {len(want)} suppliers",
        found=(written or "no file")[:200],
    )
    expect(
        fetch["xcom"].get("return_value") == len(want),
        expected=f"fetch_suppliers returning {len(want)}",
        found=fetch["xcom"].get("return_value"),
    )
    week = str((run["tasks"].get("report_week", {}).get("rendered") or {}).get("bash_command"))
    expect(ISO_WEEKS[day] in week, expected=f"report_week's command rendered with {ISO_WEEKS[day]}", found=week)


@check(tier=Tier.INTEGRATION, points=3, concepts=["af.notifiers"])
def slack_notifier_posts_on_failure(a: AirflowArtifacts) -> None:
    """When the supplier API is down, the Slack notifier posts the DAG, the task and the day to the webhook."""
    run = a.run("supplier_api_down")
    day = _day(a, "supplier_api_down")
    expect(
        _states(run).get("fetch_suppliers") == "failed", expected="fetch_suppliers to fail on a 503", found=_states(run)
    )
    posts = [r for r in run["http"] if r["method"] == "POST"]
    expect(posts, expected="a POST to the Slack webhook of the connection fernhill_slack", found="no request")
    post = posts[0]
    expect(
        post["path"].rstrip("/") == f"/services/{WEBHOOK_TOKEN}",
        expected=f"the webhook URL from the connection (/services/{WEBHOOK_TOKEN})",
        found=post["path"],
    )
    text = str(_json_or_none(post["body"]).get("text", ""))
    expect(
        all(word in text for word in ("fernhill_supplier_feed", "fetch_suppliers", day)),
        expected=f"a message naming fernhill_supplier_feed, fetch_suppliers and {day}",
        found=post["body"][:300],
    )


def _json_or_none(body: str) -> dict:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@check(tier=Tier.INTEGRATION, points=1, concepts=["af.notifiers"])
def custom_notifier_announces_the_feed(a: AirflowArtifacts) -> None:
    """AlertsFileNotifier, on trigger_orders' success, writes its rendered message."""
    run = a.run("supplier_day")
    day = _day(a, "supplier_day")
    notes = [x for x in run["alerts"] if isinstance(x, dict) and x.get("notifier") == "AlertsFileNotifier"]
    expect(
        notes and day in str(notes[0].get("message")) and "{{" not in str(notes[0].get("message")),
        expected=f'{{"notifier": "AlertsFileNotifier", "message": "supplier feed of {day} ready, ..."}}',
        found=run["alerts"] or "no alert",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["af.trigger_dagrun"])
def trigger_starts_the_order_pipeline(a: AirflowArtifacts) -> None:
    """trigger_orders starts fernhill_orders_daily for the same logical date, the supplier count in its conf."""
    run = a.run("supplier_day")
    triggered = [r for r in run["triggered"] if r["dag_id"] == "fernhill_orders_daily"]
    expect(
        triggered,
        expected="a run of fernhill_orders_daily started by trigger_orders",
        found=run["triggered"] or "no DAG run triggered",
    )
    got = triggered[0]
    expect(
        str(got["logical_date"]).startswith("2025-03-02T04:00:00"),
        expected="logical_date 2025-03-02T04:00:00+00:00 (the feed's own, '{{ logical_date }}')",
        found=got["logical_date"],
    )
    count = len(suppliers(a.options["data"]["seed"], a.options["data"]["scale"]))
    expect(
        str(got["conf"].get("suppliers")) == str(count), expected=f"conf {{'suppliers': {count}}}", found=got["conf"]
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["af.migration_2_to_3", "af.taskgroups_subdags"])
def migrated_dag_runs_in_airflow_3(a: AirflowArtifacts) -> None:
    """The migrated weekly report runs: its SubDAG became the TaskGroup reports, its template uses {{ ds }}."""
    run = a.run("weekly_report")
    day = _day(a, "weekly_report")
    states = _states(run)
    want = {"start", "reports.report_north", "reports.report_south", "done"}
    expect(
        want <= set(states),
        expected=f"tasks {sorted(want)} (a TaskGroup names its tasks reports.<task>)",
        found=sorted(states),
    )
    expect(
        run["state"] == "success",
        expected="the weekly report's run to succeed",
        found=states,
        hint="{{ execution_date }} is gone in Airflow 3: the template fails to render; use {{ ds }} or "
        "{{ logical_date }}",
    )
    command = str((run["tasks"]["reports.report_north"].get("rendered") or {}).get("bash_command"))
    expect(day in command and "north" in command, expected=f"report_north's command rendered with {day}", found=command)


@check(tier=Tier.INTEGRATION, points=2, concepts=["af.catchup_backfill"])
def backfill_reruns_the_failed_day_and_fills_the_missing_one(a: AirflowArtifacts) -> None:
    """backfill_command, run for real after an incident: runs for the failed and missing days, not the good one."""
    done = a.backfill
    plan = a.options["backfill"]
    want = sorted([plan["failed_day"], plan["missing_day"]])
    expect(
        "error" not in done,
        expected="the backfill command to run",
        found=done.get("error"),
        hint="airflow backfill create --dag-id ... --from-date ... --to-date ... (Airflow 3; `airflow dags "
        "backfill` is gone)",
    )
    got = done.get("backfill_runs", [])
    expect(
        got == want,
        expected=f"backfill runs for {want}: {plan['failed_day']} failed, {plan['missing_day']} never ran, "
        f"{plan['succeeded_day']} succeeded and stays as it is",
        found=f"backfill runs for {got} from `{done.get('command')}`",
        hint="--reprocess-behavior decides which existing runs a backfill reruns: none (the default), failed "
        "or completed",
    )
