"""The sandbox job for an Airflow lab: parse the learner's DAGs once, call their logic, run the DAGs.

Airflow is imported once and the metadata database (SQLite, in the job's folder) is made once;
then every run is an in-process ``dag.test()``, a fraction of a second each, instead of a fresh
``airflow dags test`` process per run. Written to the out folder, for the host to judge:
- ``dags.json``: every DAG described (tasks, operators, edges, trigger rules, groups, callbacks,
  default_args, schedule), the import errors and parse times, and what the DAG files call at
  module level (work done at parse time);
- ``unit.json``: the learner's functions (include/, plugins/) called with the grader's inputs;
- ``runs.json``: for each run the plan asks for, the state, try number, XComs and rendered
  templates of every task, the alerts the callbacks wrote, the files the tasks wrote, the
  requests the outside services received and the DAG runs a task triggered; after a run of the
  dbt DAG, what raw.orders and the orders mart hold (``warehouse.py``);
- ``backfill.json``: the learner's backfill command, run with Airflow's CLI after an incident
  (``backfill.py``).

The outside services (the supplier API, the Slack webhook) are a real local HTTP server started
here (``http_standin``); the connections pointing at it reach the DAGs as ``AIRFLOW_CONN_*``.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import glob
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from grader.datagen import generate
from grader.sandbox.backfill import backfill
from grader.sandbox.forked import map_in_fork
from grader.sandbox.http_standin import StandIn
from grader.sandbox.learner_tests import run_variants
from grader.sandbox.recorder import NotGradable, Recorder, StepFailed
from grader.sandbox.warehouse import Warehouse


def run(plan: dict[str, Any], rec: Recorder) -> None:
    project = Path(plan["project_dir"])
    work, out = Path(plan["work_dir"]), Path(plan["out_dir"])
    dags_dir = project / "dags"
    if not dags_dir.is_dir():
        raise NotGradable(f"No dags/ folder in {project.name}/: there are no DAGs to grade.")
    home = work / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    # Airflow reads its DAGs folder once, at import; a symlink lets the learner-tests step point it
    # at the grader's copies of the pipeline later
    dags_link = work / "dags_current"
    dags_link.symlink_to(dags_dir.resolve(), target_is_directory=True)
    env = plan["airflow_env"]
    os.environ.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_link),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(project / "plugins"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "CRITICAL",
            "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": str(plan.get("import_timeout_s", 20)),
            f"{env}_ALERTS_FILE": str(work / "alerts.jsonl"),
        }
    )
    # include/ is importable as the course teaches: `from include.fernhill import orders`
    sys.path.insert(0, str(project))
    warnings.filterwarnings("ignore")

    with rec.step("data", "Generate the grader's data, start the stand-in supplier API and Slack webhook"):
        data = generate(seed=plan["data"]["seed"], scale=plan["data"]["scale"])
        data.write(work / "data")
        raw_dir = work / "data" / "raw"
        standin = StandIn(data.suppliers)
        os.environ.update(standin.connections())

    warehouse = None
    if "warehouse" in plan:
        kind = "PostgreSQL, a server beside the job" if plan.get("postgres") else "DuckDB"
        with rec.step("warehouse", f"Stage the lab 01 dbt project and load its warehouse ({kind})"):
            warehouse = Warehouse(plan["warehouse"], work, raw_dir, env, plan.get("postgres"))
            warehouse.load()  # a failure here is the grader's, never a score: it propagates

    # the Variables exist before parsing, as in a real deployment (each run points them elsewhere)
    _set_variables(env, raw_dir, work / "files" / "parse")

    with rec.step("parse", "Parse the DAG files (DagBag)") as entry:
        from airflow.dag_processing.dagbag import DagBag

        start = time.monotonic()
        left_out = _leave_out_hostile_files(dags_dir, project, timeout_s=plan.get("import_timeout_s", 20) + 5)
        bag = DagBag(dag_folder=str(dags_dir), safe_mode=False)
        import_errors = {_rel(path, project): _last_error(text) for path, text in bag.import_errors.items()}
        import_errors.update(left_out)
        description = {
            "dags": {dag_id: _describe(dag) for dag_id, dag in sorted(bag.dags.items())},
            "import_errors": import_errors,
            "parse_s": {_rel(s.file, project): s.duration.total_seconds() for s in bag.dagbag_stats},
            "module_level_calls": {_rel(p, project): _module_level_calls(p) for p in sorted(dags_dir.glob("*.py"))},
            "plugins": _plugins(project),
            "bag_s": round(time.monotonic() - start, 2),
        }
        (out / "dags.json").write_text(json.dumps(description, indent=1, default=str))
        entry["summary"] = {
            "counts": {"dags": len(bag.dags), "import errors": len(import_errors)},
            "first_problems": [f"{k}: {v}" for k, v in import_errors.items()][:5],
        }

    with rec.step("lint", "Lint the DAG files with ruff's Airflow 3 rules (ruff check --select AIR)"):
        (out / "ruff_air.json").write_text(json.dumps(_ruff_air(dags_dir, project), indent=1))

    with rec.step("unit", f"Call your functions with the grader's inputs ({len(plan['calls'])} calls)"):
        # in a forked child: a function that never returns or ends the process costs only its call
        remote = standin.remote()
        done = map_in_fork(lambda call: {**_call(call), "http": remote.take()}, plan["calls"], timeout_s=30)
        results = {
            call["id"]: result.value if result.problem is None else {"ok": False, "error": result.problem}
            for call, result in zip(plan["calls"], done, strict=True)
        }
        (out / "unit.json").write_text(json.dumps(results, indent=1, default=str))

    with rec.step("database", "Create the metadata database (SQLite)"):
        from airflow.utils import db

        db.initdb()
        _snapshot(home / "airflow.db", home / "airflow.fresh.db")  # each learner-tests variant starts here

    runs: dict[str, Any] = {}
    with rec.step("runs", f"Run the DAGs ({len(plan['runs'])} runs with dag.test())"):
        # one forked child makes the runs one after another (Airflow's first dag.test() warms up what
        # the next ones use); a run that never ends, or ends the process, costs only itself
        def one_run(scenario: dict[str, Any]) -> dict[str, Any]:
            dag = bag.dags.get(scenario["dag_id"])
            if dag is None:
                return {"error": f"no DAG {scenario['dag_id']} to run"}
            remote.set_mode(scenario.get("supplier_api", "up"))
            remote.take()
            result = {**_run(dag, scenario, raw_dir, work, env), "http": remote.take()}
            if scenario.get("warehouse") and warehouse is not None:
                result["warehouse"] = warehouse.state()  # what the same day run twice must not change
            return result

        done = map_in_fork(one_run, plan["runs"], timeout_s=plan.get("run_timeout_s", 120))
        for scenario, result in zip(plan["runs"], done, strict=True):
            runs[scenario["id"]] = result.value if result.problem is None else {"error": f"the run {result.problem}"}
        (out / "runs.json").write_text(json.dumps(runs, indent=1, default=str))

        if not runs:
            raise StepFailed("no run was asked for")

    if "backfill" in plan:
        with rec.step("backfill", "Run your backfill command after a failed run (airflow backfill create)"):
            found = map_in_fork(backfill, [plan["backfill"]], timeout_s=60)[0]
            outcome = found.value if found.problem is None else {"error": f"the backfill {found.problem}"}
            (out / "backfill.json").write_text(json.dumps(outcome, indent=1, default=str))

    if "learner_tests" in plan:
        _learner_tests(plan["learner_tests"], rec, project, work, out, dags_link, home)


def _leave_out_hostile_files(dags_dir: Path, project: Path, *, timeout_s: float) -> dict[str, str]:
    """Import each DAG file first in a forked child; leave out the ones that fail or would stop the job.

    A file that never finishes importing (SIGALRM ignored, so Airflow's own import timeout cannot
    stop it) or that ends the process (``sys.exit()``, ``os._exit()``) is added to
    dags/.airflowignore (of the job's copy), so neither the DagBag here nor the re-parse that each
    ``dag.test()`` does imports it again. So is a file with an ordinary import error: importing it
    once is enough to know the error. Returns the import errors by file.
    """
    from airflow.dag_processing.dagbag import DagBag
    from airflow.dag_processing.importers import get_importer_registry

    def parse(path: str) -> dict[str, str]:
        return dict(DagBag(dag_folder=path, safe_mode=False).import_errors)

    _preload_common_modules()  # imported once here, shared by every child
    errors: dict[str, str] = {}
    files = get_importer_registry().list_dag_files(str(dags_dir), safe_mode=False)
    for path, result in zip(files, map_in_fork(parse, files, timeout_s=timeout_s), strict=True):
        if result.problem:
            errors[path] = f"importing this file {result.problem}: it was left out so the rest could be graded"
        elif result.value:
            errors[path] = _last_error(next(iter(result.value.values())))
    if errors:
        names = [glob.escape(Path(path).relative_to(dags_dir).as_posix()) for path in errors]
        with (dags_dir / ".airflowignore").open("a") as f:
            f.write("\n" + "\n".join(names) + "\n")
    return {_rel(path, project): error for path, error in errors.items()}


def _preload_common_modules() -> None:
    for name in (
        "pendulum",
        "airflow.sdk",
        "airflow.providers.standard.operators.python",
        "airflow.providers.standard.operators.bash",
        "airflow.providers.standard.operators.empty",
        "airflow.providers.standard.operators.trigger_dagrun",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


# operator arguments worth describing when the operator has them (DockerOperator, TriggerDagRunOperator)
OPERATOR_SETTINGS = ("image", "command", "network_mode", "auto_remove", "mount_tmp_dir", "mem_limit", "trigger_dag_id")


def _describe(dag: Any) -> dict[str, Any]:
    def names(value: Any) -> list[str]:
        items = [] if not value else (value if isinstance(value, (list, tuple)) else [value])
        return [getattr(c, "__name__", type(c).__name__) for c in items]

    return {
        "dag_id": dag.dag_id,
        "schedule": None if dag.schedule is None else str(dag.schedule),
        "start_date": dag.start_date.isoformat() if dag.start_date else None,
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "tags": sorted(dag.tags or []),
        "params": {k: repr(v) for k, v in (dag.params or {}).items()},
        "default_args": {k: names(v) if callable(v) else repr(v) for k, v in (dag.default_args or {}).items()},
        "callbacks": {"on_success": names(dag.on_success_callback), "on_failure": names(dag.on_failure_callback)},
        "tasks": [
            {
                "task_id": t.task_id,
                "operator": type(t).__name__,
                "module": type(t).__module__,
                "upstream": sorted(t.upstream_task_ids),
                "downstream": sorted(t.downstream_task_ids),
                "trigger_rule": str(getattr(t.trigger_rule, "value", t.trigger_rule)),
                "pool": t.pool,
                "queue": t.queue,
                "retries": t.retries,
                "callbacks": {k: names(getattr(t, f"on_{k}_callback", None)) for k in ("success", "failure", "retry")},
                "task_group": t.task_group.group_id if t.task_group else None,
                "template_fields": list(t.template_fields),
                "python_callable": _callable_name(getattr(t, "python_callable", None)),
                "settings": {k: _safe(getattr(t, k)) for k in OPERATOR_SETTINGS if hasattr(t, k)},
            }
            for t in dag.tasks
        ],
    }


def _snapshot(db_file: Path, copy: Path) -> None:
    """A consistent copy of a SQLite database, whatever is still in its write-ahead log."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(db_file)) as source, contextlib.closing(sqlite3.connect(copy)) as target:
        source.backup(target)


def _learner_tests(
    spec: dict[str, Any], rec: Recorder, project: Path, work: Path, out: Path, dags_link: Path, home: Path
) -> None:
    variants = 1 + len(spec["mutants"])
    with rec.step("tests", f"Run your tests/ against the grader's pipeline, correct and broken ({variants} variants)"):
        if not (project / "tests").is_dir():
            (out / "learner_tests.json").write_text(json.dumps({"missing": "no tests/ folder"}))
            return
        if importlib.util.find_spec("pytest") is None:  # the grader's image, not the learner, is at fault
            raise RuntimeError("pytest is missing from the grading environment: rebuild it (make images)")
        test_data = work / "test_data"
        generate(seed=spec["data_seed"]).write(test_data)
        results = run_variants(
            project,
            spec,
            work=work,
            dags_link=dags_link,
            db_file=home / "airflow.db",
            db_template=home / "airflow.fresh.db",
            test_data=test_data / "raw",
        )
        (out / "learner_tests.json").write_text(json.dumps(results, indent=1))


def _ruff_air(dags_dir: Path, project: Path) -> list[dict[str, Any]]:
    """What ruff's AIR rules find in dags/: Airflow 2 names removed or moved in Airflow 3.

    ``--isolated``: a ruff configuration the submission ships cannot switch the rules off.
    """
    from ruff.__main__ import find_ruff_bin

    done = subprocess.run(
        [
            find_ruff_bin(),
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "AIR",
            "--output-format",
            "json",
            "--exit-zero",
            str(dags_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise StepFailed(f"ruff could not run: {done.stderr[-500:]}")
    return [
        {
            "file": _rel(f["filename"], project),
            "line": f["location"]["row"],
            "code": f["code"],
            "message": f["message"][:300],
        }
        for f in json.loads(done.stdout or "[]")
    ]


def _plugins(project: Path) -> dict[str, Any]:
    """The plugins Airflow loaded from plugins/ (name, macros) and the plugin files that failed."""
    from airflow import plugins_manager

    loaded = plugins_manager.get_plugin_info(attrs_to_dump=["macros", "source"])
    return {
        "loaded": [
            {
                "name": p["name"],
                "macros": sorted(str(m).split(".")[-1] for m in p.get("macros") or []),
                "source": str(p.get("source", "")),
            }
            for p in loaded
        ],
        "errors": {_rel(k, project): _last_error(v) for k, v in plugins_manager.get_import_errors().items()},
    }


def _callable_name(func: Any) -> str | None:
    return f"{func.__module__}.{func.__qualname__}" if callable(func) else None


def _rel(path: str | Path, project: Path) -> str:
    try:
        return Path(path).resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return Path(path).name


def _last_error(traceback_text: str) -> str:
    """The `SomeError: message` line of a traceback, which says what is wrong."""
    lines = [line.strip() for line in str(traceback_text).splitlines() if line.strip()]
    errors = [line for line in lines if ("Error" in line or "Exception" in line or "Timeout" in line) and ":" in line]
    return (errors[-1] if errors else lines[-1] if lines else "import failed")[:500]


def _module_level_calls(path: Path) -> list[dict[str, Any]]:
    """Calls that run when the file is imported: at module level and in a @dag function's body.

    Function bodies of tasks run later, at run time; they are not listed.
    """
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return []
    found: list[dict[str, Any]] = []

    def visit(node: ast.AST, in_dag_body: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                is_dag = isinstance(child, ast.FunctionDef) and any(
                    "dag" in ast.unparse(d).split("(")[0].split(".")[-1] for d in child.decorator_list
                )
                if is_dag:
                    visit(child, True)
                continue
            if isinstance(child, ast.Call):
                found.append({"line": child.lineno, "call": ast.unparse(child.func)[:80], "in_dag_body": in_dag_body})
            visit(child, in_dag_body)

    visit(tree, False)
    return found


def _call(call: dict[str, Any]) -> dict[str, Any]:
    """One of the learner's functions with the grader's arguments: its value, or the error it raised."""
    try:
        module = importlib.import_module(call["module"])
        value = getattr(module, call["function"])(*call.get("args", []), **call.get("kwargs", {}))
        if "method" in call:  # a class: made with args/kwargs, then one method called
            value = getattr(value, call["method"])(*call.get("method_args", []), **call.get("method_kwargs", {}))
        json.dumps(value, default=str)
        return {"ok": True, "value": value}
    except BaseException as exc:  # the learner's code may raise anything, SystemExit included
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:600]}


def _set_variables(env: str, raw_dir: Path, out_dir: Path) -> None:
    """Airflow Variables from the environment (AIRFLOW_VAR_*): where the raw data is, where output goes."""
    os.environ[f"AIRFLOW_VAR_{env}_RAW_DIR"] = str(raw_dir)
    os.environ[f"AIRFLOW_VAR_{env}_OUT_DIR"] = str(out_dir)


def _run(dag: Any, scenario: dict[str, Any], raw_dir: Path, work: Path, env: str) -> dict[str, Any]:
    """One dag.test() with the scenario's data and date; what every task did."""
    import pendulum
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    out_files = work / "files" / scenario["id"]
    out_files.mkdir(parents=True, exist_ok=True)
    _set_variables(env, raw_dir if scenario.get("data", "raw") == "raw" else work / "nowhere", out_files)
    fresh_notifiers(dag)
    for t in dag.tasks:
        t.retries = 0  # a forced failure must not wait for retry delays
        t.execution_timeout = _seconds(scenario.get("task_timeout_s", 60))
    alerts = work / "alerts.jsonl"
    seen = alerts.read_text().count("\n") if alerts.exists() else 0
    runs_before = _dag_runs()
    start = time.monotonic()
    try:
        run = dag.test(logical_date=pendulum.parse(scenario["logical_date"]))
    except BaseException as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:600]}
    result: dict[str, Any] = {"state": str(run.state), "seconds": round(time.monotonic() - start, 2), "tasks": {}}
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
                "xcom": {x.key: _safe(XComModel.deserialize_value(x)) for x in xcoms},
                "rendered": _safe(rendered.rendered_fields) if rendered else None,
            }
    lines = alerts.read_text().splitlines()[seen:] if alerts.exists() else []
    result["alerts"] = [_json_or_text(line) for line in lines[:20]]
    result["triggered"] = [r for key, r in _dag_runs().items() if key not in runs_before and key[0] != run.dag_id]
    result["files"] = {p.name: p.read_text(errors="replace")[:4000] for p in sorted(out_files.glob("*"))[:20]}
    return result


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
                "conf": _safe(r.conf or {}),
            }
            for r in session.scalars(select(DagRun)).all()
        }


def _seconds(value: float) -> Any:
    from datetime import timedelta

    return timedelta(seconds=value)


def _safe(value: Any) -> Any:
    """JSON-safe and bounded: what a learner's task pushes may be anything, and large."""
    text = json.dumps(value, default=str)
    return json.loads(text) if len(text) < 20000 else text[:20000]


def _json_or_text(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return line[:500]
