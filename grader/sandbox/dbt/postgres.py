"""The PostgreSQL build of the same project, as a second process beside the DuckDB build.

``postgres_start`` launches it (after deps, so it shares the installed packages); ``postgres``
waits for it and records what it saw. The work itself is ``postgres_target.py``.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from grader.sandbox import side_process
from grader.sandbox.dbt import postgres_target
from grader.sandbox.dbt.build_steps import TROUBLE
from grader.sandbox.dbt.job import DbtJob
from grader.sandbox.recorder import Recorder, StepFailed, summary


def start(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    if not job.plan.get("postgres"):
        # the runner provides the server; without one the lab cannot be graded fairly
        raise RuntimeError("this lab needs a PostgreSQL server and the runner provided none")
    if not job.profile:
        return  # no profile: the profile step has already said why nothing can be built
    name = yaml.safe_load((job.project / "dbt_project.yml").read_text()).get("name", "")
    sub_plan = job.work / "postgres-plan.json"
    sub_plan.write_text(json.dumps({**job.plan, "profile": job.profile, "project_name": name}))
    job.second_build = side_process.fork(postgres_target.main, sub_plan, job.work / "postgres-output.log")


def finish(job: DbtJob, options: dict[str, Any], rec: Recorder) -> None:
    if job.second_build is None:
        return
    later = len(job.plan["postgres_target"].get("batches", []))
    label = "Build the same project on PostgreSQL (dbt build, second target)"
    if later:
        label = f"Build the same project on PostgreSQL and replay its {later} later batches (second target)"
    with rec.step("postgres", label) as entry:
        timeout_s = job.plan["postgres_target"].get("timeout_s", 300)
        result = side_process.finish(
            job.second_build, job.out / postgres_target.RESULT_FILE, timeout_s=timeout_s, what="The PostgreSQL build"
        )
        statuses = list((result.get("statuses") or {}).values())
        counts = {s: statuses.count(s) for s in sorted(set(statuses))}
        problems = [
            f"{uid.split('.')[-1]}: {msg.splitlines()[0] if msg else ''}"
            for uid, msg in sorted((result.get("messages") or {}).items())
        ]
        trouble = any(counts.get(k) for k in TROUBLE)
        entry["summary"] = summary("dbt build on PostgreSQL", counts, problems, attention=trouble)
        if not result.get("ok"):
            raise StepFailed(f"PostgreSQL build stopped at '{result.get('stage')}': {result.get('error', '')[:1500]}")
