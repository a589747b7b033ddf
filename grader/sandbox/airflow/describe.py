"""What the parse step writes about the learner's DAG files: each DAG described as data, the files
that cannot be imported, the calls each file makes at import time, the plugins Airflow loaded, and
what ruff's Airflow 3 rules find.
"""

from __future__ import annotations

import ast
import contextlib
import glob
import importlib
import json
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from grader.sandbox.forked import map_in_fork
from grader.sandbox.recorder import StepFailed


def leave_out_hostile_files(dags_dir: Path, project: Path, *, timeout_s: float) -> dict[str, str]:
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
            errors[path] = last_error(next(iter(result.value.values())))
    if errors:
        names = [glob.escape(Path(path).relative_to(dags_dir).as_posix()) for path in errors]
        with (dags_dir / ".airflowignore").open("a") as f:
            f.write("\n" + "\n".join(names) + "\n")
    return {rel(path, project): error for path, error in errors.items()}


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


# operator arguments worth describing when the operator has them (DockerOperator, TriggerDagRunOperator,
# the sensors, the scheduler's and the executors' settings)
OPERATOR_SETTINGS = (
    *("image", "command", "network_mode", "auto_remove", "mount_tmp_dir", "mem_limit", "trigger_dag_id"),
    *("mode", "poke_interval", "timeout", "soft_fail", "exponential_backoff", "deferrable"),
    *("filepath", "fs_conn_id", "endpoint", "http_conn_id", "response_check", "response_error_codes_allowlist"),
    *("conn_id", "sql", "success", "failure"),
    *("external_dag_id", "external_task_id", "external_task_ids", "execution_delta", "allowed_states"),
    *("target_time", "delta", "target_dttm", "min_rows"),
    *("priority_weight", "weight_rule", "pool_slots", "max_active_tis_per_dag", "executor", "executor_config"),
)


def describe(dag: Any) -> dict[str, Any]:
    def names(value: Any) -> list[str]:
        items = [] if not value else (value if isinstance(value, (list, tuple)) else [value])
        return [getattr(c, "__name__", type(c).__name__) for c in items]

    return {
        "dag_id": dag.dag_id,
        "schedule": None if dag.schedule is None else str(dag.schedule),
        "start_date": dag.start_date.isoformat() if dag.start_date else None,
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "max_active_tasks": dag.max_active_tasks,
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
                "retry_delay": _setting(t.retry_delay),
                "callbacks": {k: names(getattr(t, f"on_{k}_callback", None)) for k in ("success", "failure", "retry")},
                "task_group": t.task_group.group_id if t.task_group else None,
                "template_fields": list(t.template_fields),
                "python_callable": _callable_name(getattr(t, "python_callable", None)),
                # read from the instance's own attributes: a property (FileSensor.path is a cached
                # one) computed here, before rendering, would keep its unrendered template
                "settings": {k: _setting(v) for k, v in vars(t).items() if k in OPERATOR_SETTINGS},
            }
            for t in dag.tasks
        ],
    }


def ruff_air(dags_dir: Path, project: Path) -> list[dict[str, Any]]:
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
            "file": rel(f["filename"], project),
            "line": f["location"]["row"],
            "code": f["code"],
            "message": f["message"][:300],
        }
        for f in json.loads(done.stdout or "[]")
    ]


def plugins(project: Path) -> dict[str, Any]:
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
        "errors": {rel(k, project): last_error(v) for k, v in plugins_manager.get_import_errors().items()},
    }


def _callable_name(func: Any) -> str | None:
    return f"{func.__module__}.{func.__qualname__}" if callable(func) else None


def rel(path: str | Path, project: Path) -> str:
    try:
        return Path(path).resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return Path(path).name


def last_error(traceback_text: str) -> str:
    """The `SomeError: message` line of a traceback, which says what is wrong."""
    lines = [line.strip() for line in str(traceback_text).splitlines() if line.strip()]
    errors = [line for line in lines if ("Error" in line or "Exception" in line or "Timeout" in line) and ":" in line]
    return (errors[-1] if errors else lines[-1] if lines else "import failed")[:500]


def module_level_calls(path: Path) -> list[dict[str, Any]]:
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


def _setting(value: Any) -> Any:
    """A setting as data: a duration (``timeout=timedelta(hours=2)``) as its seconds, like ``timeout=7200``."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    return safe(value)


def safe(value: Any) -> Any:
    """JSON-safe and bounded: what a learner's task pushes may be anything, and large."""
    text = json.dumps(value, default=str)
    return json.loads(text) if len(text) < 20000 else text[:20000]
