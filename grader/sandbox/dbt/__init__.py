"""The dbt engine: build the learner's dbt project once, with the steps the lab's plan lists.

Everything the checks need is written to the out folder: dbt's manifest and run results, the
probe outputs (dbt show on macros, analyses and vars), and copies of the warehouse taken after
the build and after each later batch. The host queries those copies itself.
"""

from __future__ import annotations

from typing import Any

from grader.sandbox.dbt import build_steps, postgres, probes
from grader.sandbox.dbt.job import DbtJob
from grader.sandbox.engine import Step, run_steps, step_table
from grader.sandbox.recorder import Recorder

STEPS: dict[str, Step] = {
    "load_raw": build_steps.load_raw,
    "profile": build_steps.profile,
    "deps": build_steps.deps,
    "postgres_start": postgres.start,
    "parse": build_steps.parse,
    "build": build_steps.build,
    "unit_tests": build_steps.unit_tests,
    "probes": probes.run,
    "keep_warehouse": build_steps.keep_warehouse,
    "postgres": postgres.finish,
    "batch": build_steps.batch,
}


def run(plan: dict[str, Any], rec: Recorder) -> None:
    run_steps(step_table(STEPS, plan.get("extensions", [])), DbtJob.start(plan), plan, rec)
