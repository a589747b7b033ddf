"""The Airflow engine's core steps: data, parse, lint, unit (functions), database, runs."""

from __future__ import annotations

import json
import time
from typing import Any

from grader.datagen import generate
from grader.sandbox.airflow import describe
from grader.sandbox.airflow.job import AirflowJob
from grader.sandbox.airflow.runs import call, run_dag, snapshot_db, warm_execution_api
from grader.sandbox.forked import map_in_fork
from grader.sandbox.recorder import Recorder, StepFailed, summary


def data(job: AirflowJob, options: dict[str, Any], rec: Recorder) -> None:
    with rec.step("data", "Generate the grader's data"):
        job.data = generate(seed=job.plan["data"]["seed"], scale=job.plan["data"]["scale"])
        job.data.write(job.work / "data")
        # the Variables exist before parsing, as in a real deployment (each run points them elsewhere)
        job.set_variables(job.raw_dir, job.work / "files" / "parse")


def parse(job: AirflowJob, options: dict[str, Any], rec: Recorder) -> None:
    with rec.step("parse", "Parse the DAG files (DagBag)") as entry:
        from airflow.dag_processing.dagbag import DagBag

        start = time.monotonic()
        timeout_s = job.plan.get("import_timeout_s", 20) + 5
        left_out = describe.leave_out_hostile_files(job.dags_dir, job.project, timeout_s=timeout_s)
        job.bag = bag = DagBag(dag_folder=str(job.dags_dir), safe_mode=False)
        rel = describe.rel
        import_errors = {rel(path, job.project): describe.last_error(text) for path, text in bag.import_errors.items()}
        import_errors.update(left_out)
        description = {
            "dags": {dag_id: describe.describe(dag) for dag_id, dag in sorted(bag.dags.items())},
            "import_errors": import_errors,
            "parse_s": {rel(s.file, job.project): s.duration.total_seconds() for s in bag.dagbag_stats},
            "module_level_calls": {
                rel(p, job.project): describe.module_level_calls(p) for p in sorted(job.dags_dir.glob("*.py"))
            },
            "plugins": describe.plugins(job.project),
            "bag_s": round(time.monotonic() - start, 2),
        }
        (job.out / "dags.json").write_text(json.dumps(description, indent=1, default=str))
        entry["summary"] = summary(
            "Parsing the DAG files",
            {"dags": len(bag.dags), "import errors": len(import_errors)},
            [f"{k}: {v}" for k, v in import_errors.items()],
            attention=bool(import_errors),
        )


def lint(job: AirflowJob, options: dict[str, Any], rec: Recorder) -> None:
    with rec.step("lint", "Lint the DAG files with ruff's Airflow 3 rules (ruff check --select AIR)"):
        (job.out / "ruff_air.json").write_text(json.dumps(describe.ruff_air(job.dags_dir, job.project), indent=1))


def _in_work(value: Any, work: str) -> Any:
    """A call's arguments with ``{work}`` standing for the job's work folder (files made for the call)."""
    if isinstance(value, str):
        return value.replace("{work}", work)
    if isinstance(value, list):
        return [_in_work(v, work) for v in value]
    if isinstance(value, dict):
        return {k: _in_work(v, work) for k, v in value.items()}
    return value


def unit(job: AirflowJob, options: dict[str, Any], rec: Recorder) -> None:
    calls = _in_work(job.plan["calls"], str(job.work))
    with rec.step("unit", f"Call your functions with the grader's inputs ({len(calls)} calls)"):
        # in a forked child: a function that never returns or ends the process costs only its call
        remote = job.services.get("standin")

        def one_call(item: dict[str, Any]) -> dict[str, Any]:
            return {**call(item), "http": remote.take() if remote else []}

        done = map_in_fork(one_call, calls, timeout_s=30)
        results = {
            item["id"]: result.value if result.problem is None else {"ok": False, "error": result.problem}
            for item, result in zip(calls, done, strict=True)
        }
        (job.out / "unit.json").write_text(json.dumps(results, indent=1, default=str))


def database(job: AirflowJob, options: dict[str, Any], rec: Recorder) -> None:
    with rec.step("database", "Create the metadata database (SQLite)"):
        from airflow.utils import db

        db.initdb()
        snapshot_db(job.home / "airflow.db", job.home / "airflow.fresh.db")  # a fresh start for later steps
        warm_execution_api()


def runs(job: AirflowJob, options: dict[str, Any], rec: Recorder) -> None:
    scenarios = job.plan["runs"]
    with rec.step("runs", f"Run the DAGs ({len(scenarios)} runs with dag.test())"):
        remote, warehouse = job.services.get("standin"), job.services.get("warehouse")
        # what a run's sensors wait for (files landing, a service getting ready, a row changing)
        world = job.services.get("world")

        # one forked child makes the runs one after another (Airflow's first dag.test() warms up what
        # the next ones use); a run that never ends, or ends the process, costs only itself
        def one_run(scenario: dict[str, Any]) -> dict[str, Any]:
            dag = job.bag.dags.get(scenario["dag_id"]) if job.bag is not None else None
            if dag is None:
                return {"error": f"no DAG {scenario['dag_id']} to run"}
            if remote is not None:
                remote.set_mode(scenario.get("supplier_api", "up"))
                remote.take()
            arrivals = world.start(scenario) if world is not None else None
            try:
                result = run_dag(dag, scenario, job.raw_dir, job.work, job.prefix)
            finally:
                if world is not None:
                    world.stop(arrivals)
            result["http"] = remote.take() if remote is not None else []
            if scenario.get("warehouse") and warehouse is not None:
                result["warehouse"] = warehouse.state()  # what the same day run twice must not change
            return result

        done = map_in_fork(one_run, scenarios, timeout_s=job.plan.get("run_timeout_s", 120))
        found = {
            scenario["id"]: result.value if result.problem is None else {"error": f"the run {result.problem}"}
            for scenario, result in zip(scenarios, done, strict=True)
        }
        (job.out / "runs.json").write_text(json.dumps(found, indent=1, default=str))
        if not found:
            raise StepFailed("no run was asked for")
