"""Lab 04, validation tier: the DAG files import cleanly, the DAG is declared right, parsing stays cheap."""

from __future__ import annotations

import re

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import check, expect
from grader.model import Tier

DAG_ID = "fernhill_orders_daily"
DAG_FILE = "dags/fernhill_orders_daily.py"
# calls that do work (files, network, Variables, the data itself) and so belong inside tasks
PARSE_TIME_WORK = (
    "Variable.get",
    "Connection.get",
    "get_connection",
    "read_orders",
    "orders_for_day",
    "read_csv",
    "read_text",
    "urlopen",
    "requests.",
    "sleep",
    "subprocess",
    "socket",
)


def _does_work(call: str) -> bool:
    """A call that reads data or settings, or runs the pipeline's logic, rather than declaring tasks."""
    return call == "open" or call.startswith("logic.") or any(word in call for word in PARSE_TIME_WORK)


@check(tier=Tier.VALIDATION, points=2, concepts=["af.dag_definition"])
def dags_import_without_errors(a: AirflowArtifacts) -> None:
    """Every file in dags/ imports without errors and defines the DAG fernhill_orders_daily with tasks."""
    errors = a.parsed["import_errors"]
    expect(
        not errors,
        expected="no import errors in dags/",
        found="; ".join(f"{path}: {error}" for path, error in sorted(errors.items()))[:2000],
    )
    expect(a.dag(DAG_ID)["tasks"], expected=f"{DAG_ID} with its tasks", found="a DAG without any task")


@check(tier=Tier.VALIDATION, points=3, concepts=["af.dag_definition", "af.timezones"])
def dag_declares_schedule_start_and_defaults(a: AirflowArtifacts) -> None:
    """The DAG runs daily at 06:00 from a time-zone-aware start_date, without catchup, with tags and default_args."""
    dag = a.dag(DAG_ID)
    expect(dag["schedule"] == "0 6 * * *", expected="schedule='0 6 * * *' (daily at 06:00)", found=dag["schedule"])
    expect(dag["catchup"] is False, expected="catchup=False", found=f"catchup={dag['catchup']}")
    expect("fernhill" in dag["tags"], expected="tags including 'fernhill'", found=dag["tags"])
    defaults = dag["default_args"]
    delay = _seconds(str(defaults.get("retry_delay", "")))
    expect(
        "owner" in defaults and str(defaults.get("retries")) == "2" and delay == 300,
        expected="default_args with an owner, retries=2 and a five-minute retry_delay",
        found={k: v for k, v in defaults.items() if k in ("owner", "retries", "retry_delay")},
    )
    naive = _naive_start_dates(a.read_text(DAG_FILE) or "")
    expect(
        not naive,
        expected="start_date with a time zone: pendulum.datetime(2025, 1, 1, tz='Europe/Amsterdam')",
        found=f"a naive datetime on line {', '.join(map(str, naive))}: Airflow would silently read it as UTC",
    )
    expect(
        str(dag["start_date"]).startswith("2025-01-01") or str(dag["start_date"]).startswith("2024-12-31T23:00"),
        expected="start_date 2025-01-01 (Amsterdam time)",
        found=dag["start_date"],
    )


def _seconds(described: str) -> float | None:
    """A duration as the DAG description shows it (timedelta(seconds=300), Duration(minutes=5), 0:05:00, or
    a plain number of seconds, which Airflow accepts for retry_delay too) in seconds."""
    if re.fullmatch(r"\d+(\.\d+)?", described.strip()):
        return float(described)
    clock = re.fullmatch(r"(\d+):(\d\d):(\d\d(?:\.\d+)?)", described.strip())
    if clock:
        return int(clock[1]) * 3600 + int(clock[2]) * 60 + float(clock[3])
    if not re.match(r"^(datetime\.)?timedelta\(|^(pendulum\.)?Duration\(", described):
        return None
    units = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1, "microseconds": 1e-6}
    return sum(float(n) * units[unit] for unit, n in re.findall(r"(\w+)=([\d.]+)", described) if unit in units)


def _naive_start_dates(source: str) -> list[int]:
    """Lines where start_date is a datetime(...) without a time zone (the parsed DAG cannot tell)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        value = None
        if isinstance(node, ast.keyword) and node.arg == "start_date":
            value = node.value
        if isinstance(node, ast.Dict):
            for key, item in zip(node.keys, node.values, strict=False):
                if isinstance(key, ast.Constant) and key.value == "start_date":
                    value = item
        if isinstance(value, ast.Call):
            names = {k.arg for k in value.keywords}
            if ast.unparse(value.func).split(".")[-1] == "datetime" and not names & {"tz", "tzinfo"}:
                found.append(value.lineno)
    return found


@check(tier=Tier.VALIDATION, points=2, concepts=["af.best_practices"])
def dag_file_does_no_work_at_parse_time(a: AirflowArtifacts) -> None:
    """The DAG files only wire tasks: no data, Variable, connection or network access at import; logic in include/."""
    heavy = [
        f"{path} line {c['line']}: {c['call']}(...)"
        for path, calls in sorted(a.parsed["module_level_calls"].items())
        for c in calls
        if _does_work(c["call"])
    ]
    expect(
        not heavy,
        expected="no work when a DAG file is imported (the dag-processor imports it every few seconds)",
        found="; ".join(heavy[:4]),
        hint="move it into a task: it then runs when the task runs",
    )
    callables = [t["python_callable"] or "" for t in a.dag(DAG_ID)["tasks"]]
    expect(
        any(c.startswith("include.fernhill.") for c in callables),
        expected="tasks calling the business logic of include/fernhill/ (write_summary: logic.write_summary)",
        found=f"task callables: {sorted(c for c in callables if c) or 'none'}",
    )


@check(tier=Tier.VALIDATION, points=2, concepts=["af.plugins"])
def plugin_registers_the_fernhill_macros(a: AirflowArtifacts) -> None:
    """plugins/ loads without errors and its AirflowPlugin named fernhill registers the macro iso_week."""
    plugins = a.parsed["plugins"]
    expect(
        not plugins["errors"],
        expected="no errors loading plugins/",
        found="; ".join(f"{path}: {error}" for path, error in sorted(plugins["errors"].items()))[:800],
    )
    fernhill: dict = next((p for p in plugins["loaded"] if p["name"] == "fernhill"), {"macros": []})
    expect(
        any(p["name"] == "fernhill" for p in plugins["loaded"]),
        expected="an AirflowPlugin subclass with name = 'fernhill' in plugins/",
        found=f"plugins loaded: {[p['name'] for p in plugins['loaded']] or 'none'}",
    )
    expect(
        "iso_week" in fernhill["macros"],
        expected="macros = [iso_week] on FernhillPlugin",
        found=f"macros {fernhill['macros']}",
        hint="templates then reach it as {{ macros.fernhill.iso_week(ds) }}",
    )


LEGACY_DAG_ID = "fernhill_weekly_report"
LEGACY_FILE = "dags/fernhill_weekly_report.py"


@check(tier=Tier.VALIDATION, points=2, concepts=["af.migration_2_to_3"])
def legacy_dag_is_migrated(a: AirflowArtifacts) -> None:
    """The Airflow 2 DAG imports in Airflow 3, and `ruff check --select AIR` finds nothing in it."""
    error = a.parsed["import_errors"].get(LEGACY_FILE)
    expect(
        not error,
        expected=f"{LEGACY_FILE} importing in Airflow 3",
        found=error,
        hint="SubDagOperator and airflow.operators.dummy are gone; the standard provider has EmptyOperator",
    )
    dag = a.dag(LEGACY_DAG_ID)
    expect(
        dag["schedule"] == "@weekly", expected="schedule='@weekly' (schedule_interval is gone)", found=dag["schedule"]
    )
    # the exercise migrates this file: what ruff finds in the learner's other DAG files is not charged here
    findings = [f for f in a.ruff_air if f["file"] == LEGACY_FILE]
    expect(
        not findings,
        expected=f"`ruff check --select AIR` finding nothing in {LEGACY_FILE}",
        found="; ".join(f"{f['file']}:{f['line']} {f['code']} {f['message']}" for f in findings[:5]),
    )
