"""The learner's backfill command, run for real against the job's metadata database.

Before it runs, the DAG's history is the one a backfill meets after an incident: in a three-day
window, the first day succeeded, the second failed, the third never ran. The grader sets those
states on the runs the job made (as "mark success" / "mark failed" in the UI would) and moves them
onto the DAG's own schedule (a backfill matches existing runs by their exact logical date), so what
is graded is the command, not the DAG. The learner's function returns the command; Airflow's own
CLI parser reads it and its own ``backfill create`` runs in this process. Without a scheduler the
backfill's runs stay queued: which days got one is what the check compares.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import shlex
from datetime import UTC, datetime
from typing import Any

from grader.sandbox.forked import map_in_fork
from grader.sandbox.recorder import Recorder


def backfill(spec: dict[str, Any]) -> dict[str, Any]:
    try:
        function = getattr(importlib.import_module(spec["module"]), spec["function"])
        command = str(function(spec["dag_id"], spec["from_date"], spec["to_date"]))
    except BaseException as exc:  # the learner's code may raise anything
        return {"error": f"{spec['function']} raised {type(exc).__name__}: {exc}"[:600]}
    argv = shlex.split(command)
    result: dict[str, Any] = {"command": command[:500]}
    if argv[:3] != ["airflow", "backfill", "create"]:
        return {**result, "error": "the command is not `airflow backfill create ...`: nothing was run"}

    wanted = {spec["succeeded_day"]: "success", spec["failed_day"]: "failed"}
    history = _set_history(spec, wanted)
    if set(history) != set(wanted):
        missing = sorted(set(wanted) - set(history))
        return {**result, "error": f"the runs of {missing} that the backfill needs before it never happened"}
    result["before"] = history

    try:
        result["output"] = run_cli(argv)[-1500:]
    except BaseException as exc:  # argparse exits on a bad flag; Airflow raises on a bad range
        result["error"] = f"the command failed: {type(exc).__name__}: {exc}"[:600]
    result["backfill_runs"] = sorted({day for day, run_type, _ in _runs(spec["dag_id"]) if run_type == "backfill"})
    return result


def run_cli(argv: list[str]) -> str:
    """An ``airflow ...`` command run in this process, as the CLI would run it; what it printed."""
    from airflow.cli import cli_parser

    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        args = cli_parser.get_parser().parse_args(argv[1:])
        args.func(args)
    return output.getvalue()


def _set_history(spec: dict[str, Any], wanted: dict[str, str]) -> dict[str, str]:
    """Put the runs of the wanted days on the DAG's schedule, in the wanted states; their states then."""
    from airflow.models.backfill import _get_info_list  # the backfill's own list of logical dates
    from airflow.models.dagrun import DagRun
    from airflow.models.serialized_dag import SerializedDagModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    dag = SerializedDagModel.get_dag(spec["dag_id"])
    if dag is None:
        return {}
    # the CLI reads a date without a zone as UTC (Airflow's default time zone)
    start, end = (datetime.fromisoformat(spec[k]).replace(tzinfo=UTC) for k in ("from_date", "to_date"))
    infos = _get_info_list(from_date=start, to_date=end, reverse=False, dag=dag)
    scheduled = {_day(info.logical_date): info.logical_date for info in infos}
    with create_session() as session:
        for run in session.scalars(select(DagRun).where(DagRun.dag_id == spec["dag_id"])).all():
            day = _day(run.logical_date)
            if day in wanted and day in scheduled:
                run.state = wanted[day]
                run.logical_date = scheduled[day]
    return {day: state for day, run_type, state in _runs(spec["dag_id"]) if day in wanted and run_type != "backfill"}


def _runs(dag_id: str) -> list[tuple[str, str, str]]:
    """(day, run type, state) of every run of the DAG."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return [
            (_day(r.logical_date), _text(r.run_type), _text(r.state))
            for r in session.scalars(select(DagRun).where(DagRun.dag_id == dag_id)).all()
            if r.logical_date is not None
        ]


def _day(moment: Any) -> str:
    return moment.date().isoformat()


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def backfill_step(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    with rec.step("backfill", "Run your backfill command after a failed run (airflow backfill create)"):
        found = map_in_fork(backfill, [job.plan["backfill"]], timeout_s=60)[0]
        outcome = found.value if found.problem is None else {"error": f"the backfill {found.problem}"}
        (job.out / "backfill.json").write_text(json.dumps(outcome, indent=1, default=str))


STEPS = {"backfill": backfill_step}
