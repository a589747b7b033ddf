"""The sandbox job for a dbt lab: load raw data, build the learner's project once, run the probes.

Everything the checks need is written to the out folder: dbt's manifest and run results, the
probe outputs (dbt show on macros, analyses and vars), and copies of the warehouse taken after
the build and after the incremental run. The host queries those copies itself.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import yaml

from grader.datagen import generate
from grader.datagen.load import load_duckdb
from grader.sandbox import postgres_target, side_process
from grader.sandbox.dbt_runner import Dbt, first_error
from grader.sandbox.recorder import NotGradable, Recorder, StepFailed


def run(plan: dict[str, Any], rec: Recorder) -> None:
    project = Path(plan["project_dir"])
    work, out = Path(plan["work_dir"]), Path(plan["out_dir"])
    warehouse = work / "warehouse.duckdb"
    data_dir = work / "data"
    env_prefix = plan["env_prefix"]
    os.environ.update(
        {
            f"{env_prefix}_RAW_DIR": str(data_dir / "raw"),
            f"{env_prefix}_DUCKDB_PATH": str(warehouse),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
        }
    )

    with rec.step("load_raw", "Load the raw data (extract & load, before dbt)"):
        dataset = generate(seed=plan["data"]["seed"], scale=plan["data"]["scale"])
        dataset.write(data_dir)
        load_duckdb(warehouse, data_dir / "raw")

    profile = _profile_name(project)
    profiles = work / "profiles"
    profiles.mkdir(exist_ok=True)
    (profiles / "profiles.yml").write_text(
        yaml.safe_dump(
            {
                profile: {
                    "target": "grader",
                    "outputs": {"grader": {"type": "duckdb", "path": str(warehouse), "threads": 4}},
                }
            }
        )
    )
    dbt = Dbt(project, profiles, work / "target", work / "logs")

    if (project / "packages.yml").exists():
        with rec.step("deps", "Install packages (dbt deps)"):
            inv = dbt.invoke(["deps"], common=dbt.deps_common)
            if not inv.success:
                raise StepFailed(first_error(inv))

    second_build = _start_postgres_build(plan, project, profile, work)

    with rec.step("parse", "Parse the project (dbt parse)"):
        inv = dbt.parse()
        if not inv.success:
            raise NotGradable("dbt could not parse the project, so nothing can be graded yet.\n" + first_error(inv))
        shutil.copy(work / "target" / "manifest.json", out / "manifest.json")

    # Unit tests run on their own: inside `dbt build` a failing unit test skips its model and
    # everything downstream, and one wrong expression would cost the points of the whole lab.
    with rec.step("build", "Build seeds, models and data tests (dbt build)") as entry:
        inv = dbt.invoke(["build", "--exclude", "test_type:unit"], reuse_manifest=True)
        _copy_if_exists(work / "target" / "run_results.json", out / "run_results_build.json")
        if inv.result is None:
            raise StepFailed(first_error(inv))
        entry["summary"] = _summary(inv.result.results)

    with rec.step("unit_tests", "Run the unit tests (dbt test --select test_type:unit)"):
        inv = dbt.invoke(["test", "--select", "test_type:unit"], reuse_manifest=True)
        _copy_if_exists(work / "target" / "run_results.json", out / "run_results_unit.json")
        if inv.result is None:
            raise StepFailed(first_error(inv))

    with rec.step("probes", f"Call macros, analyses and vars ({len(plan['probes'])} probes)"):
        for probe in plan["probes"]:
            rec.probe(probe["id"], _run_probe(dbt, project, probe, warehouse))

    with rec.step("snapshot_build", "Keep the warehouse as built"):
        _copy_warehouse(warehouse, out / "warehouse_build.duckdb")

    if second_build is not None:
        with rec.step("postgres", "Build the same project on PostgreSQL (dbt build, second target)") as entry:
            _finish_postgres_build(second_build, out, entry, timeout_s=plan["postgres_target"].get("timeout_s", 300))

    incremental = plan.get("incremental")
    if incremental:
        with rec.step("incremental", f"Load a second batch and rerun {incremental['select']} (incremental)"):
            load_duckdb(warehouse, data_dir / "batch_2", append=True)
            inv = dbt.invoke(["run", "--select", incremental["select"]])
            _copy_if_exists(work / "target" / "run_results.json", out / "run_results_incremental.json")
            _copy_warehouse(warehouse, out / "warehouse_incremental.duckdb")
            if not inv.success:
                raise StepFailed(first_error(inv))


def _start_postgres_build(plan: dict[str, Any], project: Path, profile: str, work: Path) -> Any:
    """The PostgreSQL build runs as a second process while this one builds on DuckDB."""
    if not plan.get("postgres_target"):
        return None
    if not plan.get("postgres"):
        # the runner provides the server; without one the lab cannot be graded fairly
        raise RuntimeError("this lab needs a PostgreSQL server and the runner provided none")
    name = yaml.safe_load((project / "dbt_project.yml").read_text()).get("name", "")
    sub_plan = work / "postgres-plan.json"
    sub_plan.write_text(json.dumps({**plan, "profile": profile, "project_name": name}))
    return side_process.start("postgres_target", sub_plan, work / "postgres-output.log")


def _finish_postgres_build(proc: Any, out: Path, entry: dict[str, Any], *, timeout_s: float) -> None:
    result = side_process.finish(
        proc, out / postgres_target.RESULT_FILE, timeout_s=timeout_s, what="The PostgreSQL build"
    )
    statuses = list((result.get("statuses") or {}).values())
    entry["summary"] = {
        "counts": {s: statuses.count(s) for s in sorted(set(statuses))},
        "first_problems": [
            f"{uid.split('.')[-1]}: {msg.splitlines()[0] if msg else ''}"
            for uid, msg in sorted((result.get("messages") or {}).items())
        ][:5],
    }
    if not result.get("ok"):
        raise StepFailed(f"PostgreSQL build stopped at '{result.get('stage')}': {result.get('error', '')[:1500]}")


def _summary(results: list[Any]) -> dict[str, Any]:
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
    return {"counts": counts, "first_problems": problems}


def _profile_name(project: Path) -> str:
    config_file = project / "dbt_project.yml"
    if not config_file.exists():
        raise NotGradable(f"No dbt_project.yml in {project.name}/: the dbt project is missing.")
    try:
        config = yaml.safe_load(config_file.read_text()) or {}
    except yaml.YAMLError as exc:
        raise NotGradable(f"dbt_project.yml is not valid YAML: {exc}") from exc
    if not isinstance(config, dict) or not config.get("profile"):
        raise NotGradable("dbt_project.yml has no `profile:` entry, so dbt cannot tell which connection to use.")
    return str(config["profile"])


def _run_probe(dbt: Dbt, project: Path, probe: dict[str, Any], warehouse: Path) -> dict[str, Any]:
    kind = probe["kind"]
    if kind == "planted_row":
        return _tests_on_a_planted_row(dbt, probe, warehouse)
    if kind == "inline":
        return dbt.show(["--inline", probe["sql"]])
    if kind == "node":
        args = ["--select", probe["select"]]
        if probe.get("vars"):
            args += ["--vars", yaml.safe_dump(probe["vars"], default_flow_style=True).strip()]
        return dbt.show(args)
    if kind == "learner_profile":
        # The learner's own profiles.yml, pointed at a scratch database through the env var,
        # which is put back afterwards so later steps see the grader's value.
        saved = os.environ.get(probe["env_var"])
        os.environ[probe["env_var"]] = str(
            Path(dbt.common[dbt.common.index("--target-path") + 1]).parent / "learner.duckdb"
        )
        common = list(dbt.deps_common)
        common[common.index("--profiles-dir") + 1] = str(project)
        try:
            inv = dbt.invoke(["debug", "--connection", "--target", probe["target"]], common=common)
        finally:
            if saved is not None:
                os.environ[probe["env_var"]] = saved
        return {"ok": inv.success, "error": "" if inv.success else first_error(inv)}
    raise ValueError(f"unknown probe kind {kind!r}")


def _tests_on_a_planted_row(dbt: Dbt, probe: dict[str, Any], warehouse: Path) -> dict[str, Any]:
    """Plant a wrong row, run the learner's tests on it, take the row out again.

    A test that passes on good data proves little until it also fails on bad data.
    """
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(probe["plant_sql"])
    except duckdb.Error as exc:
        return {"ok": False, "error": f"could not plant the row: {str(exc).splitlines()[0]}"}
    finally:
        con.close()
    try:
        inv = dbt.invoke(["test", "--select", probe["select"]], reuse_manifest=True)
    finally:
        con = duckdb.connect(str(warehouse))
        try:
            con.execute(probe["remove_sql"])
        finally:
            con.close()
    results = getattr(inv.result, "results", None) or []
    return {
        "ok": inv.result is not None,
        "error": "" if inv.result is not None else first_error(inv),
        "statuses": {r.node.unique_id: str(r.status) for r in results},
    }


def _copy_if_exists(source: Path, target: Path) -> None:
    if source.exists():
        shutil.copy(source, target)


def _copy_warehouse(warehouse: Path, target: Path) -> None:
    """Checkpoint first: recent writes may still sit in the write-ahead log."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    shutil.copy(warehouse, target)
