"""The Airflow engine: import Airflow once, parse the learner's DAGs, call their logic, run the DAGs.

Airflow is imported once and the metadata database (SQLite, in the job's folder) is made once;
then every run is an in-process ``dag.test()``, a fraction of a second each, instead of a fresh
``airflow dags test`` process per run. Written to the out folder, for the host to judge:
- ``dags.json``: every DAG described (tasks, operators, edges, trigger rules, groups, callbacks,
  default_args, schedule), the import errors and parse times, and what the DAG files call at
  module level (work done at parse time);
- ``ruff_air.json``: what ruff's Airflow 3 rules find in dags/;
- ``unit.json``: the learner's functions (include/, plugins/) called with the grader's inputs;
- ``runs.json``: for each run the plan asks for, the state, try number, XComs and rendered
  templates of every task, the alerts the callbacks wrote, the files the tasks wrote, the
  requests the outside services received and the DAG runs a task triggered;
- whatever the lab's extensions add (``grader/sandbox/extensions/``).
"""

from __future__ import annotations

from typing import Any

from grader.sandbox.airflow import steps
from grader.sandbox.airflow.job import AirflowJob
from grader.sandbox.engine import Step, run_steps, step_table
from grader.sandbox.recorder import Recorder

STEPS: dict[str, Step] = {
    "data": steps.data,
    "parse": steps.parse,
    "lint": steps.lint,
    "unit": steps.unit,
    "database": steps.database,
    "runs": steps.runs,
}


def run(plan: dict[str, Any], rec: Recorder) -> None:
    with rec.step("setup", "Find the DAGs and prepare Airflow's home"):
        job = AirflowJob.start(plan)
    run_steps(step_table(STEPS, plan.get("extensions", [])), job, plan, rec)
