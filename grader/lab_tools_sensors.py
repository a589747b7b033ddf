"""Helpers the lab 05 notebook calls: the sensors' world (a landing folder, the supplier API, a
PostgreSQL control table), a DAG run while that world changes, a timeline of the run, the pods.

The world is the grader's own (``grader/sandbox/extensions/sensor_world.py``): what the notebook
shows is what ``grader check 05`` runs. ``sensors_setup()`` comes before anything else touches
Airflow (it reads its settings from the environment when first imported).
"""

from __future__ import annotations

import asyncio
import os
import sys
import warnings
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from grader.lab_tools import pg_sql
from grader.lab_tools_airflow import draw_dag, load_dags
from grader.sandbox.airflow.environment import airflow_environment
from grader.sandbox.extensions.sensor_world import World, order_rows, world_connections
from grader.sandbox.extensions.supplier_standin import StandIn
from grader.services import EmbeddedPostgres

__all__ = ["draw_dag", "draw_timeline", "load_dags", "order_rows", "render_pods", "run_dag", "sensors_setup"]

STATE_COLOURS = {
    "success": "#93c47d",
    "failed": "#e06666",
    "skipped": "#f6b26b",
    "upstream_failed": "#ea9999",
}


class SensorWorld:
    """What the lab's sensors wait for, running on this machine until ``stop()``.

    ``landing``: the folder the connection ``fernhill_landing`` points at; ``standin``: the supplier
    API on 127.0.0.1 (``standin.take()`` lists the requests it received); ``postgres``: the control
    database's connection settings; ``sql(query)``: a query on it, as a DataFrame.
    """

    def __init__(self, lab: Path) -> None:
        self.lab = lab
        self.landing = lab / "landing"
        self.landing.mkdir(exist_ok=True)
        self.standin = StandIn([{"supplier_id": i, "name": f"Supplier {i}"} for i in range(1, 8)])
        self._postgres = EmbeddedPostgres().start()
        self.postgres = self._postgres.connection_kwargs()
        self._world = World(self.landing, self.standin.remote(), self.postgres)
        os.environ.update(self.standin.connections())
        os.environ.update(world_connections(self.landing, self.postgres))

    def sql(self, query: str):
        return pg_sql(query, self.postgres)

    def stop(self) -> None:
        """Stop the HTTP server and PostgreSQL (the notebook's last cell calls it)."""
        self.standin.close()
        self._postgres.stop()
        print("the supplier API and PostgreSQL are stopped")


def sensors_setup(lab_dir: str | Path = ".") -> SensorWorld:
    """An Airflow home inside the lab (SQLite metadata DB), the lab's dags/, and the sensors' world."""
    lab = Path(lab_dir).resolve()
    home = lab / ".airflow"
    home.mkdir(exist_ok=True)
    os.environ.update(airflow_environment(home, lab / "dags", lab / "plugins", log_level="CRITICAL"))
    # CRITICAL: a sensor's failed pokes and timeouts are the lesson here; run_dag's table shows the errors
    if str(lab) not in sys.path:
        sys.path.insert(0, str(lab))  # `from include.fernhill import ...`, as in the DAG files
    warnings.filterwarnings("ignore", module="airflow")
    from airflow.utils import db

    db.initdb()  # quick when the database is already there
    from grader.sandbox.airflow.runs import warm_execution_api

    warm_execution_api()  # built once here, not during the first run: the timers of a run start with it
    world = SensorWorld(lab)
    print(f"Airflow home {home.relative_to(lab)}/, DAGs from dags/")
    print(
        f"landing folder {world.landing.relative_to(lab)}/ (connection fernhill_landing, Variable fernhill_landing_dir)"
    )
    print(f"supplier API on 127.0.0.1:{world.standin.port} (connection fernhill_supplier_api)")
    print(f"PostgreSQL control database, socket in {world.postgres['host']} (connection fernhill_control)")
    return world


def run_dag(
    dag: Any,
    logical_date: str,
    world: SensorWorld,
    *,
    files: list[dict[str, Any]] | None = None,
    health: list[str] | None = None,
    sql: list[dict[str, Any]] | None = None,
    poke_s: float = 0.5,
    timeout_s: float = 8,
):
    """``dag.test()`` while the world changes; a table of what every task did.

    ``files``: ``{"name": "orders_{day}.csv", "rows": 12, "after_s": 3}``, written into the landing
    folder ``after_s`` seconds into the run (0: before it); ``health``: what the supplier API's
    ``/health`` answers, poll by poll (the last one stays); ``sql``: ``{"after_s": 4, "sql": ...}``
    run on the control database. Every sensor pokes every ``poke_s`` seconds and gives up after
    ``timeout_s`` (instead of the minutes and hours in the DAG file), as the grader does.
    ``logical_date`` may be ``"now-30m+5s"``: half an hour ago, plus five seconds.
    """
    import pandas as pd

    from grader.sandbox.airflow.runs import run_dag as run_once

    columns = ["task", "state", "reschedules", "deferred to", "returned (XCom)", "error"]
    if not dag.tasks:
        print(f"{dag.dag_id} has no tasks yet: nothing to run")
        return pd.DataFrame([], columns=columns)

    scenario: dict[str, Any] = {
        "id": f"notebook_{dag.dag_id}",
        "dag_id": dag.dag_id,
        "sensor_poke_s": poke_s,
        "sensor_timeout_s": timeout_s,
        "world": {"files": files or [], "health": health or ["ready"], "sql": sql or []},
        **_logical_date(logical_date),
    }
    scenario["day"] = str(logical_date)[:10] if scenario["logical_date"] != "now" else ""
    timers = world._world.start(scenario)
    try:
        # dag.test() runs a deferred task's trigger with asyncio.run(), which refuses to start inside
        # the event loop a Jupyter kernel runs cells in. That loop is blocked until the cell ends, so
        # it is hidden for the run (a thread will not do: the task timeouts use signals).
        kernel_loop = asyncio._get_running_loop()
        asyncio._set_running_loop(None)
        try:
            result = run_once(dag, scenario, world.lab, world.lab / ".airflow" / "work", "FERNHILL")
        finally:
            asyncio._set_running_loop(kernel_loop)
    finally:
        world._world.stop(timers)
    if "error" in result:
        raise RuntimeError(f"the run did not start: {result['error']}")
    print(f"run of {result['logical_date'][:19]}: {result['state']} in {result['seconds']} s")
    table = pd.DataFrame(
        [
            (
                task_id,
                t["state"],
                len(t["reschedules"]),
                (t["trigger"] or "").rsplit(".", 1)[-1],
                str(t["xcom"].get("return_value", ""))[:60],
                (t.get("error") or "")[:90],
            )
            for task_id, t in sorted(result["tasks"].items(), key=lambda item: item[1]["start"] or "~")
        ],
        columns=columns,
    )
    table.attrs["result"], table.attrs["dag_id"] = result, dag.dag_id
    return table


def _logical_date(text: str) -> dict[str, Any]:
    """``"2025-03-04T06:00:00+00:00"`` as it is; ``"now-30m+5s"`` as now shifted by -1795 s."""
    import re

    if not text.startswith("now"):
        return {"logical_date": text}
    units = {"h": 3600, "m": 60, "s": 1}
    offset = sum(int(n) * units[u] for n, u in re.findall(r"([+-]\d+)([hms])", text))
    return {"logical_date": "now", "now_offset_s": offset}


def draw_timeline(table: Any, out: str | Path | None = None):
    """The run of ``run_dag`` on a time axis: one bar per task from its start to its end, coloured by
    state, a tick at each poke that gave the slot back (``task_reschedule``), hatched while deferred."""
    import matplotlib

    if out is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    result = table.attrs.get("result")
    tasks = [(k, v) for k, v in (result or {"tasks": {}})["tasks"].items() if v["start"]]
    if not tasks:
        print("no task of this run started: nothing to draw")
        return None
    assert result is not None
    pokes = {k: t["reschedules"] for k, t in tasks}
    # a rescheduled sensor's start_date is its last poke's: its wait began with its first poke
    began = {k: min([t["start"], *pokes.get(k, [])]) for k, t in tasks}
    tasks.sort(key=lambda item: began[item[0]])
    origin = min(datetime.fromisoformat(stamp) for stamp in began.values())

    def seconds(stamp: str) -> float:
        return (datetime.fromisoformat(stamp) - origin).total_seconds()

    fig, ax = plt.subplots(figsize=(10, 0.55 * len(tasks) + 1.6), layout="constrained")
    for y, (task_id, t) in enumerate(tasks):
        left = seconds(t["start"])
        right = seconds(t["end"]) if t["end"] else left
        first = seconds(began[task_id])
        if first < left:  # between pokes: up_for_reschedule, no worker slot taken
            ax.barh(y, left - first, left=first, height=0.22, color="#eeeeee", edgecolor="#999", ls="--")
        for moment in pokes.get(task_id, []):
            ax.plot([seconds(moment)] * 2, [y - 0.3, y + 0.3], color="#333", lw=1)
        colour = STATE_COLOURS.get(t["state"], "#cccccc")
        ax.barh(
            y,
            max(right - left, 0.05),
            left=left,
            height=0.5,
            color=colour,
            edgecolor="#555",
            hatch="//" if t["trigger"] else None,
        )
        ax.annotate(t["state"], (right, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(tasks)), [task_id for task_id, _ in tasks])
    ax.set_ylim(len(tasks) - 0.5, -0.5)
    ax.set_xlabel("seconds since the first task started")
    states = [s for s in STATE_COLOURS if any(t["state"] == s for _, t in tasks)]
    handles = [Patch(fc=STATE_COLOURS[s], ec="#555", label=s) for s in states]
    handles.append(Patch(fc="#eeeeee", ec="#999", ls="--", label="up for reschedule (a tick: a poke)"))
    handles.append(Patch(fc="white", ec="#555", hatch="//", label="deferred to a trigger"))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8, frameon=False)
    fig.suptitle(f"{table.attrs['dag_id']}, run of {result['logical_date'][:16]}", fontsize=10, x=0.02, ha="left")
    if out is not None:
        fig.savefig(out, dpi=110)
    return fig


def render_pods(
    dag_id: str, logical_date: str, lab_dir: str | Path = ".", template: str = "pod_templates/fernhill_worker.yaml"
) -> dict[str, Any]:
    """The pod the KubernetesExecutor would start for each task, by task id, as
    ``airflow kubernetes generate-dag-yaml`` renders it: the pod template, the task's pod_override on top."""
    from grader.sandbox.extensions.kubernetes_pods import generate

    lab = Path(lab_dir).resolve()
    job = SimpleNamespace(project=lab, work=lab / ".airflow" / "work")
    rendered = generate(job, {"dag_id": dag_id, "logical_date": logical_date, "pod_template_file": template})
    if "error" in rendered:
        raise RuntimeError(rendered["error"])
    return rendered["pods"]
