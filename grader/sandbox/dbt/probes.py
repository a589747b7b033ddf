"""The probes step: the learner's macros, analyses, vars, profile and tests called with the grader's inputs.

Each probe kind is one function of ``PROBE_KINDS``; the lab's plan lists the probes (``probes``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import duckdb
import yaml

from grader.sandbox.dbt.job import DbtJob
from grader.sandbox.dbt.runner import Dbt, first_error
from grader.sandbox.recorder import Recorder


def run(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    found = job.plan["probes"]
    with rec.step("probes", f"Call macros, analyses and vars ({len(found)} probes)"):
        for probe in found:
            rec.probe(probe["id"], PROBE_KINDS[probe["kind"]](job, job.require_dbt(), probe))


def inline(job: DbtJob, dbt: Dbt, probe: dict[str, Any]) -> dict[str, Any]:
    return dbt.show(["--inline", probe["sql"]])


def node(job: DbtJob, dbt: Dbt, probe: dict[str, Any]) -> dict[str, Any]:
    args = ["--select", probe["select"]]
    if probe.get("vars"):
        args += ["--vars", yaml.safe_dump(probe["vars"], default_flow_style=True).strip()]
    return dbt.show(args)


def learner_profile(job: DbtJob, dbt: Dbt, probe: dict[str, Any]) -> dict[str, Any]:
    """The learner's own profiles.yml, pointed at a scratch database through the env var.

    The variable is put back afterwards so later steps see the grader's value.
    """
    saved = os.environ.get(probe["env_var"])
    os.environ[probe["env_var"]] = str(job.work / "learner.duckdb")
    common = list(dbt.deps_common)
    common[common.index("--profiles-dir") + 1] = str(job.project)
    try:
        inv = dbt.invoke(["debug", "--connection", "--target", probe["target"]], common=common)
    finally:
        if saved is not None:
            os.environ[probe["env_var"]] = saved
    return {"ok": inv.success, "error": "" if inv.success else first_error(inv)}


def planted_row(job: DbtJob, dbt: Dbt, probe: dict[str, Any]) -> dict[str, Any]:
    """Plant a wrong row, run the learner's tests on it, take the row out again.

    A test that passes on good data proves little until it also fails on bad data.
    """
    con = duckdb.connect(str(job.warehouse))
    try:
        con.execute(probe["plant_sql"])
    except duckdb.Error as exc:
        return {"ok": False, "error": f"could not plant the row: {str(exc).splitlines()[0]}"}
    finally:
        con.close()
    try:
        inv = dbt.invoke(["test", "--select", probe["select"]], reuse_manifest=True)
    finally:
        con = duckdb.connect(str(job.warehouse))
        try:
            con.execute(probe["remove_sql"])
        finally:
            con.close()
    results = getattr(inv.result, "results", None) or []
    return {
        "ok": inv.result is not None,
        "error": "" if inv.result is not None else first_error(inv),
        "statuses": {r.node.unique_id: str(r.status) for r in results},
        "failures": {r.node.unique_id: r.failures for r in results},
    }


PROBE_KINDS: dict[str, Callable[[DbtJob, Dbt, dict[str, Any]], dict[str, Any]]] = {
    "inline": inline,
    "node": node,
    "learner_profile": learner_profile,
    "planted_row": planted_row,
}
