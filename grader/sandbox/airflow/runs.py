"""One DAG run with ``dag.test()`` and what every task did; the learner's functions called with given inputs."""

from __future__ import annotations

import contextlib
import copy
import importlib
import json
import os
import time
from pathlib import Path
from typing import Any

from grader.sandbox.airflow.describe import safe
from grader.sandbox.airflow.environment import lab_variables


def snapshot_db(db_file: Path, copy: Path) -> None:
    """A consistent copy of a SQLite database, whatever is still in its write-ahead log."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(db_file)) as source, contextlib.closing(sqlite3.connect(copy)) as target:
        source.backup(target)


def warm_execution_api() -> None:
    """Build Airflow's in-process execution API once, here, for every forked child that runs a DAG.

    ``dag.test()`` talks to it for every task; building it (FastAPI routes for every API version)
    took 4 s on the first task of each forked child, and lab 04 forks one child for its runs and
    one for the learner's tests. The app is cached (``in_process_api_server``); the thread that
    serves it starts on first use, in the child, so forking after this is safe.
    """
    from airflow.sdk.execution_time.supervisor import in_process_api_server

    app = in_process_api_server().app
    initialize = getattr(app, "_cadwyn_initialize", None)  # route generation, done on the first request
    if callable(initialize) and not getattr(app, "_cadwyn_initialized", True):
        initialize()


def call(call: dict[str, Any]) -> dict[str, Any]:
    """One of the learner's functions with the grader's arguments: its value, or the error it raised."""
    try:
        module = importlib.import_module(call["module"])
        value = getattr(module, call["function"])(*call.get("args", []), **call.get("kwargs", {}))
        if "method" in call:  # a class: made with args/kwargs, then one method called
            value = getattr(value, call["method"])(*call.get("method_args", []), **call.get("method_kwargs", {}))
        value = _plain(value)
        json.dumps(value, default=str)
        return {"ok": True, "value": value}
    except BaseException as exc:  # the learner's code may raise anything, SystemExit included
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:600]}


def _plain(value: Any) -> Any:
    """What a sensor's poke returns, as data: a PokeReturnValue is its is_done and xcom_value."""
    if type(value).__name__ == "PokeReturnValue":
        return {"is_done": bool(value.is_done), "xcom_value": safe(value.xcom_value)}
    return value


def logical_date_of(scenario: dict[str, Any]) -> Any:
    """The scenario's logical date: a fixed moment, or ``"now"`` shifted by ``now_offset_s``.

    A date relative to now makes a time sensor's target a few seconds ahead, so it really waits
    (a deferrable one defers to its trigger).
    """
    import pendulum

    if scenario["logical_date"] == "now":
        return pendulum.now("UTC").add(seconds=scenario.get("now_offset_s", 0))
    return pendulum.parse(scenario["logical_date"])


def shorten_sensors(dag: Any, scenario: dict[str, Any]) -> None:
    """Sensors poke every ``sensor_poke_s`` and give up after ``sensor_timeout_s`` in this run.

    The grader cannot wait the minutes or hours a learner's sensor is set to; the values the
    learner chose are read from the parsed DAG (dags.json), not from the run.
    """
    from airflow.sdk import BaseSensorOperator

    if "sensor_poke_s" not in scenario:
        return
    for t in dag.tasks:
        if isinstance(t, BaseSensorOperator):
            t.poke_interval = scenario["sensor_poke_s"]
            t.timeout = scenario.get("sensor_timeout_s", 10)


def run_dag(dag: Any, scenario: dict[str, Any], raw_dir: Path, work: Path, env: str) -> dict[str, Any]:
    """One dag.test() with the scenario's data and date; what every task did."""
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    out_files = work / "files" / scenario["id"]
    out_files.mkdir(parents=True, exist_ok=True)
    data_dir = raw_dir if scenario.get("data", "raw") == "raw" else work / "nowhere"
    os.environ.update(lab_variables(env, data_dir, out_files))
    fresh_notifiers(dag)
    for t in dag.tasks:
        t.retries = 0  # a forced failure must not wait for retry delays
        t.execution_timeout = _seconds(scenario.get("task_timeout_s", 60))
    shorten_sensors(dag, scenario)
    logical_date = logical_date_of(scenario)
    alerts = work / "alerts.jsonl"
    seen = alerts.read_text().count("\n") if alerts.exists() else 0
    runs_before = _dag_runs()
    start = time.monotonic()
    try:
        with _task_errors() as errors:
            run = dag.test(logical_date=logical_date)
    except BaseException as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:600]}
    result: dict[str, Any] = {
        "state": str(run.state),
        "seconds": round(time.monotonic() - start, 2),
        "logical_date": logical_date.isoformat(),
        "tasks": {},
    }
    with create_session() as session:
        for ti in run.get_task_instances(session=session):
            xcoms = session.scalars(
                select(XComModel).where(
                    XComModel.dag_id == run.dag_id, XComModel.run_id == run.run_id, XComModel.task_id == ti.task_id
                )
            ).all()
            rendered = session.scalar(
                select(RenderedTaskInstanceFields).where(
                    RenderedTaskInstanceFields.dag_id == ti.dag_id,
                    RenderedTaskInstanceFields.run_id == ti.run_id,
                    RenderedTaskInstanceFields.task_id == ti.task_id,
                )
            )
            result["tasks"][ti.task_id] = {
                "state": str(ti.state),
                "try_number": ti.try_number,
                "xcom": {x.key: safe(XComModel.deserialize_value(x)) for x in xcoms},
                "rendered": safe(rendered.rendered_fields) if rendered else None,
                "start": ti.start_date.isoformat() if ti.start_date else None,
                "end": ti.end_date.isoformat() if ti.end_date else None,
                **_waits(session, ti),
            }
            if ti.task_id in errors:
                result["tasks"][ti.task_id]["error"] = errors[ti.task_id]
    lines = alerts.read_text().splitlines()[seen:] if alerts.exists() else []
    result["alerts"] = [_json_or_text(line) for line in lines[:20]]
    result["triggered"] = [r for key, r in _dag_runs().items() if key not in runs_before and key[0] != run.dag_id]
    result["files"] = {p.name: p.read_text(errors="replace")[:4000] for p in sorted(out_files.glob("*"))[:20]}
    return result


@contextlib.contextmanager
def _task_errors() -> Any:
    """What each failed task raised, by task id: dag.test() keeps it only in the log.

    Every task of ``dag.test()`` goes through the supervisor's ``run_task_in_process``, looked up
    on its module at each call; a wrapper there sees each result's error.
    """
    from airflow.sdk.execution_time import supervisor

    errors: dict[str, str] = {}
    original = supervisor.run_task_in_process

    def recording(ti: Any, task: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(ti, task, *args, **kwargs)
        if getattr(result, "error", None) is not None:
            errors[ti.task_id] = f"{type(result.error).__name__}: {result.error}"[:600]
        return result

    supervisor.run_task_in_process = recording
    try:
        yield errors
    finally:
        supervisor.run_task_in_process = original


def _waits(session: Any, ti: Any) -> dict[str, Any]:
    """How a task waited: when it was rescheduled (a sensor in reschedule mode gives its slot back
    after each poke that is not done, one task_reschedule row each, stamped with that poke's start)
    and the trigger it deferred to (a deferrable operator)."""
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.models.trigger import Trigger
    from sqlalchemy import select

    pokes = session.scalars(
        select(TaskReschedule.start_date).where(TaskReschedule.ti_id == ti.id).order_by(TaskReschedule.id)
    ).all()
    trigger = session.get(Trigger, ti.trigger_id) if ti.trigger_id else None
    return {"reschedules": [p.isoformat() for p in pokes], "trigger": trigger.classpath if trigger else None}


def fresh_notifiers(dag: Any) -> None:
    """New copies of the callbacks' notifiers, as a fresh worker process would have for each run.

    A notifier renders its templates in place: shared across runs in one process, it would post the
    first run's message again. The untouched originals are kept aside on the first run; every run
    gets copies of them. (A deepcopy of the whole DAG would break the operators' NOTSET sentinels.)
    """
    from airflow.sdk import BaseNotifier

    def fresh(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return type(value)(fresh(v) for v in value)
        return copy.deepcopy(value) if isinstance(value, BaseNotifier) else value

    for owner in [dag, *dag.tasks]:
        for kind in ("success", "failure", "retry", "execute", "skipped"):
            name = f"on_{kind}_callback"
            if getattr(owner, name, None) is None:
                continue
            original = _PRISTINE_CALLBACKS.setdefault((id(owner), name), fresh(getattr(owner, name)))
            setattr(owner, name, fresh(original))


_PRISTINE_CALLBACKS: dict[tuple[int, str], Any] = {}


def _dag_runs() -> dict[tuple[str, str], dict[str, Any]]:
    """Every DAG run in the metadata database: a task may have triggered one (TriggerDagRunOperator)."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return {
            (r.dag_id, r.run_id): {
                "dag_id": r.dag_id,
                "run_type": str(getattr(r.run_type, "value", r.run_type)),
                "logical_date": r.logical_date.isoformat() if r.logical_date else None,
                "conf": safe(r.conf or {}),
            }
            for r in session.scalars(select(DagRun)).all()
        }


def _seconds(value: float) -> Any:
    from datetime import timedelta

    return timedelta(seconds=value)


def _json_or_text(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return line[:500]
