"""Helpers the Airflow lab notebooks call: an Airflow home in the lab, the DAGs, a run, a picture.

Airflow reads its settings from environment variables when it is first imported, so
``airflow_setup()`` comes before anything else that touches Airflow.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Any

from grader.datagen import generate
from grader.lab_tools import draw_layered
from grader.sandbox.airflow.environment import airflow_environment, lab_variables
from grader.sandbox.airflow.runs import fresh_notifiers
from grader.sandbox.extensions.supplier_standin import StandIn


def airflow_setup(lab_dir: str | Path = ".", *, seed: int = 42) -> dict[str, Path]:
    """An Airflow home inside the lab (SQLite metadata DB), the lab's dags/ and plugins/, the shop's data."""
    lab = Path(lab_dir).resolve()
    home, data = lab / ".airflow", lab / "data"
    home.mkdir(exist_ok=True)
    generate(seed=seed).write(data)
    os.environ.update(airflow_environment(home, lab / "dags", lab / "plugins"))
    # Variables and settings the DAGs read at run time, from the environment
    os.environ.update(lab_variables("FERNHILL", data / "raw", data / "out"))
    os.environ["FERNHILL_ALERTS_FILE"] = str(data / "alerts.jsonl")
    if str(lab) not in sys.path:
        sys.path.insert(0, str(lab))  # `from include.fernhill import ...`, as in the DAG files
    warnings.filterwarnings("ignore", module="airflow")
    from airflow.utils import db

    db.initdb()  # quick when the database is already there
    print(f"Airflow home {home.relative_to(lab)}/, DAGs from dags/, data in data/ (seed {seed})")
    return {"lab": lab, "home": home, "data": data}


def start_services(seed: int = 42) -> StandIn:
    """The supplier API and the Slack webhook as a real local HTTP server; their connections set.

    The connections reach Airflow as environment variables, ``AIRFLOW_CONN_FERNHILL_SUPPLIER_API``
    and ``AIRFLOW_CONN_FERNHILL_SLACK``, the way a deployment's secrets backend would hand them over:
    no URL or token in any DAG file. ``services.take()`` lists the requests received since last asked.
    """
    services = StandIn(generate(seed=seed).suppliers)
    os.environ.update(services.connections())
    print(f"supplier API and Slack webhook listening on 127.0.0.1:{services.port}")
    return services


def load_dags(lab_dir: str | Path = ".") -> dict[str, Any]:
    """Parse dags/ as the dag-processor does; print import errors, return the DAGs by id."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(Path(lab_dir).resolve() / "dags"), safe_mode=False)
    for path, error in bag.import_errors.items():
        print(f"import error in {Path(path).name}:\n{error}")
    print(f"{len(bag.dags)} DAG(s): {', '.join(sorted(bag.dags))}")
    return dict(bag.dags)


def run_dag(dag: Any, logical_date: str):
    """``dag.test()`` for one logical date; a table of every task's state and returned value."""
    import pandas as pd
    import pendulum
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    fresh_notifiers(dag)  # each run renders its own notifier messages, as a fresh worker would
    run = dag.test(logical_date=pendulum.parse(logical_date))
    rows = []
    with create_session() as session:
        for ti in sorted(run.get_task_instances(session=session), key=lambda t: t.task_id):
            pushed = session.scalars(
                select(XComModel).where(
                    XComModel.dag_id == run.dag_id,
                    XComModel.run_id == run.run_id,
                    XComModel.task_id == ti.task_id,
                    XComModel.key == "return_value",
                )
            ).first()
            value = XComModel.deserialize_value(pushed) if pushed is not None else None
            rows.append((ti.task_id, str(ti.state), ti.try_number, str(value)[:80] if value is not None else ""))
    print(f"run of {logical_date}: {run.state}")
    return pd.DataFrame(rows, columns=["task", "state", "try", "returned (XCom)"])


def try_backfill(command: str, dag_id: str = "fernhill_orders_daily"):
    """Run an ``airflow backfill create ...`` command in this process; a table of the DAG's runs after it.

    There is no scheduler here to run what the backfill creates: its runs stay queued, and an
    earlier backfill of the DAG is marked finished first (only one may be active per DAG).
    """
    import shlex
    from datetime import UTC, datetime

    import pandas as pd
    from airflow.models.backfill import Backfill
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from grader.sandbox.extensions.backfill import run_cli

    argv = shlex.split(command)
    if argv[:3] != ["airflow", "backfill", "create"]:
        raise ValueError(f"not an `airflow backfill create` command: {command}")
    with create_session() as session:
        for open_backfill in session.scalars(select(Backfill).where(Backfill.completed_at.is_(None))).all():
            open_backfill.completed_at = datetime.now(UTC)
    print(run_cli(argv), end="")
    with create_session() as session:
        runs = session.scalars(select(DagRun).where(DagRun.dag_id == dag_id).order_by(DagRun.logical_date)).all()
        rows = [(str(r.logical_date)[:16], str(r.state), str(r.run_type), r.clear_number) for r in runs]
    return pd.DataFrame(rows, columns=["logical date (UTC)", "state", "run type", "cleared"])


def warehouse_setup(lab_dir: str | Path = ".", project: str | Path = "../01_dbt_models/warehouse"):
    """A copy of your lab 01 dbt project and its warehouse (DuckDB), ready for fernhill_warehouse_daily.

    The copy also holds a snapshot of the orders' status (snapshots/orders_status_history.yml, as
    in lab 03): `dbt build` runs it, `dbt run` does not.

    The DAG reads where the project is from ``FERNHILL_DBT_PROJECT_DIR``, set here. The graded day's
    deliveries are taken out of raw.orders (the DAG loads them); on the bad day the export holds an
    order without an id. Returns the warehouse: ``.spec["day"]``, ``.spec["bad_day"]``, ``.state()``.
    """
    import csv
    import shutil

    from grader.sandbox.extensions.dbt_warehouse import Warehouse, largest_deliveries, staged_project

    lab = Path(lab_dir).resolve()
    source = (lab / project).resolve()
    if not (source / "dbt_project.yml").exists():
        raise FileNotFoundError(f"no dbt project in {source}: pass project= the folder holding dbt_project.yml")
    work = lab / ".warehouse"
    shutil.rmtree(work, ignore_errors=True)
    raw = lab / "data" / "raw"
    with (raw / "orders.csv").open(newline="") as f:
        day, bad_day = largest_deliveries(csv.DictReader(f))
    spec = {"project_files": staged_project(source), "day": day, "bad_day": bad_day}
    warehouse = Warehouse(spec, work, raw, "FERNHILL", None)
    warehouse.load()
    # the `dbt` the DAG's BashOperators find first on PATH: dbt imported once, not once per command
    from grader.sandbox.dbt_server import start_warm_dbt

    start_warm_dbt(work / "bin", work / "dbt-server.log")
    print(f"dbt project copied from {source} to .warehouse/dbt_project; DuckDB warehouse .warehouse/warehouse.duckdb")
    print(f"the day to load: {day}; the bad delivery: {bad_day}")
    return warehouse


KIND_COLOURS = {
    "empty": "#eeeeee",
    "@task": "#d9ead3",
    "branch": "#fff2cc",
    "python": "#cfe2f3",
    "bash": "#f4cccc",
    "trigger": "#ead1dc",
    "custom": "#d0e0e3",
    "sensor": "#fce5cd",
}


def _kind(operator: str, module: str = "") -> str:
    if operator == "EmptyOperator":
        return "empty"
    if "Branch" in operator:
        return "branch"
    if operator.startswith("_") and "Decorated" in operator:
        return "@task"
    if operator == "TriggerDagRunOperator":
        return "trigger"
    if operator.endswith(("Sensor", "SensorAsync")) and module.startswith("airflow."):
        return "sensor"  # one of Airflow's sensors (lab 05); a sensor of the lab's own is custom
    if not module.startswith("airflow."):
        return "custom"  # an operator of the lab's own, from plugins/
    return "bash" if "Bash" in operator else "python"


def draw_dag(dag: Any, out: str | Path | None = None):
    """The DAG's graph left to right, coloured by kind of task; a trigger rule other than the default in brackets."""
    if not dag.tasks:
        print(f"{dag.dag_id} has no tasks yet: nothing to draw")
        return None
    edges = sorted((up, t.task_id) for t in dag.tasks for up in t.upstream_task_ids)
    nodes = sorted(t.task_id for t in dag.tasks)
    labels = {}
    for t in dag.tasks:
        rule = str(getattr(t.trigger_rule, "value", t.trigger_rule))
        labels[t.task_id] = t.task_id + ("" if rule == "all_success" else f"\n[{rule}]")
    kinds = {t.task_id: _kind(type(t).__name__, type(t).__module__) for t in dag.tasks}
    return draw_layered(edges, nodes, labels, kinds, KIND_COLOURS, title=dag.dag_id, out=out)
