"""Lab 04, definition tier: the DAG's tasks, operators, dependencies and groups, as Airflow parsed them."""

from __future__ import annotations

import re

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import check, expect
from grader.model import Tier

DAG_ID = "fernhill_orders_daily"
OPERATORS = {
    "start": "EmptyOperator",
    "end": "EmptyOperator",
    "no_orders": "EmptyOperator",
    "extract_orders": "_PythonDecoratedOperator",
    "summarize": "_PythonDecoratedOperator",
    "choose_load": "_BranchPythonDecoratedOperator",
    "load.write_summary": "PythonOperator",
    "load.announce": "BashOperator",
}
EDGES = {
    ("start", "extract_orders"),
    ("extract_orders", "summarize"),
    ("summarize", "choose_load"),
    ("choose_load", "no_orders"),
    ("choose_load", "load.write_summary"),
    ("summarize", "load.write_summary"),
    ("load.write_summary", "load.announce"),
    ("no_orders", "end"),
    ("load.announce", "end"),
}


@check(tier=Tier.DEFINITION, points=3, concepts=["af.operators", "af.taskflow"])
def tasks_use_the_right_operators(a: AirflowArtifacts) -> None:
    """Eight tasks: EmptyOperators for start, end and the placeholder, @task functions, a branch, Python and Bash."""
    tasks = a.tasks(DAG_ID)
    got = {task_id: t["operator"] for task_id, t in tasks.items()}
    wrong = {k: got.get(k, "missing") for k, v in OPERATORS.items() if got.get(k) != v}
    readable = {"_PythonDecoratedOperator": "@task", "_BranchPythonDecoratedOperator": "@task.branch"}
    expect(
        not wrong,
        expected=", ".join(f"{k}: {readable.get(v, v)}" for k, v in OPERATORS.items() if k in wrong),
        found=", ".join(f"{k}: {readable.get(v, v)}" for k, v in wrong.items()),
    )
    extra = sorted(set(got) - set(OPERATORS))
    expect(not extra, expected=f"exactly the tasks {sorted(OPERATORS)}", found=f"also {extra}")


@check(tier=Tier.DEFINITION, points=3, concepts=["af.dependencies", "af.taskflow"])
def tasks_are_wired_in_order(a: AirflowArtifacts) -> None:
    """start, extract, summarize, choose, then the placeholder or the load group, both joining at end."""
    tasks = a.tasks(DAG_ID)
    edges = {(up, t["task_id"]) for t in tasks.values() for up in t["upstream"]}
    missing, extra = sorted(EDGES - edges), sorted(edges - EDGES)
    expect(
        not missing and not extra,
        expected="the dependencies of the notebook's picture",
        found=(f"missing {', '.join(f'{u} >> {d}' for u, d in missing)}" if missing else "")
        + ("; " if missing and extra else "")
        + (f"unexpected {', '.join(f'{u} >> {d}' for u, d in extra)}" if extra else ""),
    )


@check(tier=Tier.DEFINITION, points=2, concepts=["af.taskgroups_subdags"])
def load_steps_sit_in_a_task_group(a: AirflowArtifacts) -> None:
    """write_summary and announce belong to the TaskGroup load (TaskGroups replace SubDAGs in Airflow 3)."""
    tasks = a.tasks(DAG_ID)
    groups = {task_id: t["task_group"] for task_id, t in tasks.items()}
    expect(
        groups.get("load.write_summary") == "load" and groups.get("load.announce") == "load",
        expected="a TaskGroup 'load' holding write_summary and announce",
        found={k: v for k, v in groups.items() if v} or "no task group",
    )


@check(tier=Tier.DEFINITION, points=1, concepts=["af.max_active_runs"])
def one_run_at_a_time(a: AirflowArtifacts) -> None:
    """max_active_runs=1: a slow day never overlaps the next one's run."""
    dag = a.dag(DAG_ID)
    expect(dag["max_active_runs"] == 1, expected="max_active_runs=1", found=dag["max_active_runs"])


SUPPLIER_DAG_ID = "fernhill_supplier_feed"


@check(tier=Tier.DEFINITION, points=2, concepts=["af.custom_operator", "af.dependencies"])
def supplier_feed_uses_the_custom_operator(a: AirflowArtifacts) -> None:
    """fetch_suppliers is the SupplierFeedOperator of plugins/ with its template fields; report_week; trigger_orders."""
    tasks = a.tasks(SUPPLIER_DAG_ID)
    fetch = tasks.get("fetch_suppliers", {})
    expect(
        fetch.get("operator") == "SupplierFeedOperator" and fetch.get("module") == "fernhill_tools.operators",
        expected="fetch_suppliers = SupplierFeedOperator(...) from fernhill_tools.operators",
        found=f"{fetch.get('module')}.{fetch.get('operator')}" if fetch else f"tasks {sorted(tasks)}",
    )
    fields = set(fetch.get("template_fields") or [])
    expect(
        {"day", "since", "out_dir"} <= fields,
        expected="template_fields holding day, since and out_dir",
        found=f"template_fields {sorted(fields)}",
        hint="a field not listed there is passed on as the literal text '{{ ds }}'",
    )
    operators = {task_id: t["operator"] for task_id, t in tasks.items()}
    expect(
        operators.get("report_week") == "BashOperator" and operators.get("trigger_orders") == "TriggerDagRunOperator",
        expected="report_week a BashOperator, trigger_orders a TriggerDagRunOperator",
        found=operators,
    )
    edges = {(up, task_id) for task_id, t in tasks.items() for up in t["upstream"]}
    want = {("fetch_suppliers", "report_week"), ("report_week", "trigger_orders")}
    expect(edges == want, expected="fetch_suppliers >> report_week >> trigger_orders", found=sorted(edges))


@check(tier=Tier.DEFINITION, points=2, concepts=["af.docker_operator"])
def price_check_runs_in_its_own_container(a: AirflowArtifacts) -> None:
    """check_prices is a DockerOperator: the course's image, the logical date passed in, no network, removed after."""
    task = a.tasks("fernhill_price_check").get("check_prices", {})
    expect(
        task.get("operator") == "DockerOperator",
        expected="check_prices = DockerOperator(...) (airflow.providers.docker)",
        found=task.get("operator") or f"tasks {sorted(a.tasks('fernhill_price_check'))}",
    )
    settings = task["settings"]
    want = {"image": "orchestration-course/debian-python:bookworm", "network_mode": "none", "mount_tmp_dir": False}
    expect(
        {k: settings.get(k) for k in want} == want,
        expected=f"{want}",
        found={k: settings.get(k) for k in want},
        hint="no network and no host folder: the container gets only what the task gives it",
    )
    expect(
        settings.get("auto_remove") in ("success", "force")
        and re.search(r"\{\{\s*ds\s*\}\}", str(settings.get("command"))) is not None,  # {{ds}} renders the same
        expected="auto_remove='success' and a command passing {{ ds }}",
        found={k: settings.get(k) for k in ("auto_remove", "command")},
    )
