"""The same dbt project built on PostgreSQL, beside the DuckDB build: `dbt.profiles_targets`.

It runs as a second process of the sandbox job (a fork of it, ``side_process.fork``: dbt is
imported already), started once the packages are installed, so the two builds overlap on the machine's two cores.
It waits for the server the runner provided, loads the same raw data, builds with the grader's
own PostgreSQL profile, checks the learner's `pg` target with `dbt debug`, replays the lab's later
batches when it has some (``batches``: lab 03's days), runs the lab's ``after_build`` hooks (lab
02's metric queries), and writes what it saw to ``postgres.json``: the build summary and the rows
of the tables the host compares with DuckDB.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import yaml

RESULT_FILE = "postgres.json"
GRADER_TARGET = "grader_pg"


def main(plan_file: str) -> int:
    plan = json.loads(Path(plan_file).read_text())
    out = Path(plan["out_dir"])
    result: dict[str, Any] = {"ok": False, "stage": "connect", "error": ""}
    try:
        build(plan, result)
    except Exception as exc:  # whatever the learner's project does, the host gets a readable record
        result["error"] = result["error"] or f"{type(exc).__name__}: {exc}"
    (out / RESULT_FILE).write_text(json.dumps(result, indent=1, default=str))
    return 0


def build(plan: dict[str, Any], result: dict[str, Any]) -> None:
    from grader.datagen.load import load_postgres
    from grader.sandbox.dbt.runner import Dbt, first_error, plain

    target = plan["postgres_target"]
    server = plan["postgres"]
    work = Path(plan["work_dir"]) / "postgres"
    work.mkdir(parents=True, exist_ok=True)
    project = Path(plan["project_dir"])
    prefix = plan["env_prefix"]
    # the learner's `pg` target reads these, exactly as the notebook sets them
    os.environ.update(
        {
            f"{prefix}_PG_HOST": str(server["host"]),
            f"{prefix}_PG_PORT": str(server["port"]),
            f"{prefix}_PG_USER": server["user"],
            f"{prefix}_PG_PASSWORD": server["password"],
            f"{prefix}_PG_DBNAME": server["dbname"],
        }
    )

    wait_for(server, timeout_s=float(target.get("connect_timeout_s", 90)))
    result["stage"] = "load"
    start = time.monotonic()
    load_postgres(psycopg2_kwargs(server), Path(plan["work_dir"]) / "data" / "raw")
    result["load_s"] = round(time.monotonic() - start, 2)

    profiles = work / "profiles"
    profiles.mkdir(exist_ok=True)
    output = {"type": "postgres", "schema": "analytics", "threads": 4, **_dbt_kwargs(server)}
    (profiles / "profiles.yml").write_text(
        yaml.safe_dump({plan["profile"]: {"target": GRADER_TARGET, "outputs": {GRADER_TARGET: output}}})
    )
    dbt = Dbt(project, profiles, work / "target", work / "logs")

    result["stage"] = "learner_profile"
    common = list(dbt.deps_common)
    common[common.index("--profiles-dir") + 1] = str(project)
    debug = dbt.invoke(["debug", "--connection", "--target", target["learner_target"]], common=common)
    result["learner_profile"] = {"ok": debug.success, "error": "" if debug.success else first_error(debug)}

    result["stage"] = "build"
    start = time.monotonic()
    batches = target.get("batches", [])
    reuse = any(b.get("reuse_manifest") for b in batches)
    if reuse:  # parsed once for the build and every batch that may reuse it (lab 03's days)
        dbt.parse()
    inv = dbt.invoke(["build", "--exclude", "test_type:unit", *_vars(target.get("build_vars"))], reuse_manifest=reuse)
    result["build_s"] = round(time.monotonic() - start, 2)
    results = getattr(inv.result, "results", None) or []
    result["statuses"] = {r.node.unique_id: str(r.status) for r in results}
    result["messages"] = {
        r.node.unique_id: (r.message or "")[:600] for r in results if str(r.status) in ("error", "fail")
    }
    result["disabled"] = sorted(_disabled_models(work / "target" / "manifest.json"))
    if inv.result is None:
        result["error"] = first_error(inv)
        return
    # the lab's later batches, as the DuckDB job replays them (lab 03: a dbt snapshot per day)
    for batch in batches:
        result["stage"] = f"batch {batch['batch']}"
        load_postgres(
            psycopg2_kwargs(server),
            Path(plan["work_dir"]) / "data" / batch["batch"],
            append=not batch.get("replace"),
            keep_views=True,
        )
        later = dbt.invoke(
            [*batch["command"], *_vars(batch.get("vars"))], reuse_manifest=bool(batch.get("reuse_manifest"))
        )
        for r in getattr(later.result, "results", None) or []:
            result["statuses"][r.node.unique_id] = str(r.status)
            if str(r.status) in ("error", "fail"):
                # the first failure of a node says most (later days fail the same way, or for its sake)
                result["messages"].setdefault(r.node.unique_id, f"{batch['batch']}: {(r.message or '')[:600]}")
        if later.result is None:
            result["error"] = f"{batch['batch']}: {first_error(later)}"
            return

    result["stage"] = "compare"
    relations = _relations(work / "target" / "manifest.json")
    result["tables"] = {}
    import psycopg2

    con = psycopg2.connect(**psycopg2_kwargs(server))
    try:
        for name in target["compare"]:
            unique_id, relation = relations.get(name, ("", ""))
            if not relation or result["statuses"].get(unique_id) != "success":
                continue
            with con.cursor() as cur:
                cur.execute(f"select * from {relation}")  # a relation name from the manifest
                result["tables"][name] = {
                    "columns": [d.name for d in cur.description],
                    "rows": [[plain(v) for v in row] for row in cur.fetchall()],
                }
    finally:
        con.close()

    # a lab's own work on the PostgreSQL warehouse (lab 02: its metric queries), "module:function" each
    for hook in target.get("after_build", []):
        result["stage"] = hook
        module, function = hook.split(":")
        getattr(importlib.import_module(module), function)(plan, work, psycopg2_kwargs(server), result)

    result["ok"] = True
    result["stage"] = "done"


def wait_for(server: dict[str, Any], timeout_s: float) -> None:
    """The server may still be starting (the runner does not wait for it): retry until it answers."""
    import psycopg2

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            psycopg2.connect(**psycopg2_kwargs(server), connect_timeout=3).close()
            return
        except psycopg2.OperationalError as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the grader's PostgreSQL server did not answer within {timeout_s:.0f}s: {exc}"
                ) from exc
            time.sleep(0.3)


def psycopg2_kwargs(server: dict[str, Any]) -> dict[str, Any]:
    """What psycopg2.connect takes from a server's settings (the plan may carry more keys)."""
    return {k: server[k] for k in ("host", "port", "user", "password", "dbname")}


def _dbt_kwargs(server: dict[str, Any]) -> dict[str, Any]:
    return {
        "host": server["host"],
        "port": int(server["port"]),
        "user": server["user"],
        "password": server["password"],
        "dbname": server["dbname"],
    }


def _relations(manifest_file: Path) -> dict[str, tuple[str, str]]:
    """Name -> (unique id, relation) of the models and snapshots the build made."""
    if not manifest_file.exists():
        return {}
    nodes = json.loads(manifest_file.read_text()).get("nodes", {})
    return {
        n["name"]: (n["unique_id"], n["relation_name"])
        for n in nodes.values()
        if n["resource_type"] in ("model", "snapshot") and n.get("relation_name")
    }


def _vars(values: dict[str, Any] | None) -> list[str]:
    return ["--vars", json.dumps(values)] if values else []


def _disabled_models(manifest_file: Path) -> set[str]:
    if not manifest_file.exists():
        return set()
    disabled = json.loads(manifest_file.read_text()).get("disabled", {})
    return {n["name"] for versions in disabled.values() for n in versions if n.get("resource_type") == "model"}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
