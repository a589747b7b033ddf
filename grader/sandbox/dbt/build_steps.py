"""The dbt engine's build steps: load, profile, deps, parse, build, unit tests, keep, later batches."""

from __future__ import annotations

import importlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import yaml

from grader.datagen import generate
from grader.datagen.load import load_duckdb
from grader.datagen.snapshots import generate_days
from grader.sandbox.dbt.job import DbtJob
from grader.sandbox.dbt.runner import Dbt, first_error
from grader.sandbox.recorder import NotGradable, Recorder, StepFailed, summary

# dbt's result statuses a learner must look at
TROUBLE = ("error", "fail", "skipped")

# What load_raw can generate (option ``dataset``): each writes ``raw/`` and its later batches.
DATASETS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "shop": lambda data: generate(seed=data["seed"], scale=data["scale"]),  # labs 01, 04: batch_2/
    "snapshot_days": lambda data: generate_days(seed=data["seed"]),  # lab 03: day_2/ .. day_N/
}


def load_raw(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    """Generate the lab's data (``dataset``: a name of DATASETS, or a lab's own ``module:function``) and load it."""
    with rec.step("load_raw", "Load the raw data (extract & load, before dbt)"):
        _dataset(options.get("dataset", "shop"))(job.plan["data"]).write(job.data_dir)
        load_duckdb(job.warehouse, job.data_dir / "raw")


def _dataset(name: str) -> Callable[[dict[str, Any]], Any]:
    if ":" not in name:
        return DATASETS[name]
    module, function = name.split(":")
    make = getattr(importlib.import_module(module), function)
    return lambda data: make(seed=data["seed"], scale=data.get("scale", 1.0))


def profile(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    """The grader's own profile, under the profile name the learner's dbt_project.yml asks for."""
    with rec.step("profile", "Read dbt_project.yml and write the grader's profile"):
        job.profile = _profile_name(job.project)
        profiles = job.work / "profiles"
        profiles.mkdir(exist_ok=True)
        output = {"type": "duckdb", "path": str(job.warehouse), "threads": 4}
        (profiles / "profiles.yml").write_text(
            yaml.safe_dump({job.profile: {"target": "grader", "outputs": {"grader": output}}})
        )
        job.dbt = Dbt(job.project, profiles, job.work / "target", job.work / "logs")


def deps(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    if not (job.project / "packages.yml").exists():
        return
    with rec.step("deps", "Install packages (dbt deps)"):
        dbt = job.require_dbt()
        inv = dbt.invoke(["deps"], common=dbt.deps_common)
        if not inv.success:
            raise StepFailed(first_error(inv))


def parse(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    with rec.step("parse", "Parse the project (dbt parse)"):
        inv = job.require_dbt().parse()
        if not inv.success:
            raise NotGradable("dbt could not parse the project, so nothing can be graded yet.\n" + first_error(inv))
        shutil.copy(job.work / "target" / "manifest.json", job.out / "manifest.json")


def build(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    """``dbt build`` once; ``exclude`` keeps unit tests out (see the unit_tests step); ``vars`` as --vars."""
    # Unit tests run on their own: inside `dbt build` a failing unit test skips its model and
    # everything downstream, and one wrong expression would cost the points of the whole lab.
    args = ["build", *(["--exclude", options["exclude"]] if options.get("exclude") else []), *_vars(options)]
    with rec.step("build", "Build seeds, models and data tests (dbt build)") as entry:
        inv = job.require_dbt().invoke(args, reuse_manifest=True)
        _copy_if_exists(job.work / "target" / "run_results.json", job.out / "run_results_build.json")
        if inv.result is None:
            raise StepFailed(first_error(inv))
        entry["summary"] = build_summary("dbt build on DuckDB", inv.result.results)


def unit_tests(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    with rec.step("unit_tests", "Run the unit tests (dbt test --select test_type:unit)"):
        inv = job.require_dbt().invoke(["test", "--select", "test_type:unit"], reuse_manifest=True)
        _copy_if_exists(job.work / "target" / "run_results.json", job.out / "run_results_unit.json")
        if inv.result is None:
            raise StepFailed(first_error(inv))


def keep_warehouse(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    """A copy of the warehouse as it is now, for the host to query (``as``: the copy's name)."""
    name = options.get("as", "warehouse_build")
    with rec.step(options.get("name", f"keep_{name}"), "Keep the warehouse as built"):
        copy_warehouse(job.warehouse, job.out / f"{name}.duckdb")


def batch(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    """Load the generator's next batch (appended), run a dbt command, keep its results and the warehouse.

    Options: ``batch`` (a folder of the generated data), ``command`` (dbt's arguments), ``name``
    (the recorded step, and the suffix of ``run_results_<name>.json`` and ``warehouse_<name>.duckdb``),
    ``label``, ``replace`` (the batch is a full extract that replaces the raw tables, so rows
    missing from it are deleted at the source), ``vars`` (passed as --vars) and ``reuse_manifest``
    (skip the parse: right for commands whose nodes compile afresh each run, like snapshots).
    Lab 01's incremental rerun is one batch; lab 03 lists one per day, each running ``dbt snapshot``.
    """
    name = options["name"]
    label = options.get("label", f"Load {options['batch']} and run dbt {' '.join(options['command'])}")
    with rec.step(name, label) as entry:
        load_duckdb(job.warehouse, job.data_dir / options["batch"], append=not options.get("replace"))
        # parsed afresh unless the lab says otherwise: a reused manifest keeps state from the
        # commands that compiled with it (lab 01's incremental model and its ephemeral CTEs)
        inv = job.require_dbt().invoke(
            [*options["command"], *_vars(options)], reuse_manifest=bool(options.get("reuse_manifest"))
        )
        _copy_if_exists(job.work / "target" / "run_results.json", job.out / f"run_results_{name}.json")
        copy_warehouse(job.warehouse, job.out / f"warehouse_{name}.duckdb")
        if getattr(inv.result, "results", None):
            entry["summary"] = build_summary(f"dbt {options['command'][0]} after {name}", inv.result.results)
        if not inv.success:
            raise StepFailed(first_error(inv))


def _vars(options: dict[str, Any]) -> list[str]:
    return ["--vars", json.dumps(options["vars"])] if options.get("vars") else []


def build_summary(title: str, results: list[Any]) -> dict[str, Any]:
    """Counts per status and the first errors, so a learner sees at once what broke."""
    counts: dict[str, int] = {}
    problems: list[str] = []
    for result in sorted(results, key=lambda r: r.node.unique_id):  # threads finish in any order
        status = str(result.status)
        counts[status] = counts.get(status, 0) + 1
        if status in ("error", "fail") and len(problems) < 5:
            lines = [line.strip() for line in (result.message or "").splitlines() if line.strip()]
            # the database's own sentence, not dbt's "Runtime Error in model ..." header
            said = [x for x in lines if "Error" in x and not x.startswith(("Runtime Error in", "Compilation Error in"))]
            problems.append(f"{result.node.name}: {(said or lines or [status])[0][:300]}")
    return summary(
        title,
        counts,
        problems,
        attention=any(counts.get(k) for k in TROUBLE),
        hint=TODO_HINT if any('near ")"' in p for p in problems) else "",
    )


TODO_HINT = (
    "A model that still holds only its TODO line is empty SQL, which fails with 'syntax error at or near \")\"'."
)


def _profile_name(project: Path) -> str:
    config_file = project / "dbt_project.yml"
    if not config_file.exists():
        raise NotGradable(f"No dbt_project.yml in {project.name}/: the dbt project is missing.")
    try:
        config = yaml.safe_load(config_file.read_text()) or {}
    except yaml.YAMLError as exc:
        said = str(exc).replace('"<unicode string>"', "dbt_project.yml")
        raise NotGradable(f"dbt_project.yml is not valid YAML: {said}") from exc
    if not isinstance(config, dict) or not config.get("profile"):
        raise NotGradable("dbt_project.yml has no `profile:` entry, so dbt cannot tell which connection to use.")
    return str(config["profile"])


def _copy_if_exists(source: Path, target: Path) -> None:
    if source.exists():
        shutil.copy(source, target)


def copy_warehouse(warehouse: Path, target: Path) -> None:
    """Checkpoint first: recent writes may still sit in the write-ahead log."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    shutil.copy(warehouse, target)
