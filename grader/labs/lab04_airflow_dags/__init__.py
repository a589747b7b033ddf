"""Lab 04, Airflow DAGs: Fernhill Market's daily order pipeline in Airflow 3."""

from __future__ import annotations

from functools import cache
from typing import Any

from grader.artifacts.airflow import AirflowArtifacts
from grader.course import course_root
from grader.labs import LabSpec
from grader.labs.lab04_airflow_dags.probes import CALLS, backfill_plan, learner_tests_plan, runs, warehouse_plan

GRADING_SEED = 2025
GRADING_SCALE = 1.0
DAG_ID = "fernhill_orders_daily"


@cache
def options() -> dict[str, Any]:
    """Built once per process, when grading starts: the runs and the backfill window come from the data."""
    solutions = course_root() / "solutions"
    return {
        "data": {"seed": GRADING_SEED, "scale": GRADING_SCALE},
        "airflow_env": "FERNHILL",
        "calls": CALLS,
        "runs": runs(GRADING_SEED, GRADING_SCALE, DAG_ID),
        "backfill": backfill_plan(GRADING_SEED, GRADING_SCALE, DAG_ID),
        "warehouse": warehouse_plan(solutions / "01_dbt_models" / "warehouse", GRADING_SEED, GRADING_SCALE),
        # the learner's tests/ against the reference pipeline and its mutants
        "learner_tests": learner_tests_plan(solutions / "04_airflow_dags"),
    }


SPEC = LabSpec(
    id="04_airflow_dags",
    title="Airflow DAGs",
    project=".",
    required="dags",
    notebook="04_airflow_dags.ipynb",
    engine="airflow",
    steps=(
        "data",
        "standin",  # the supplier API and the Slack webhook the DAGs talk to
        "warehouse",  # the lab 01 project the dbt DAG builds
        "parse",
        "lint",
        "unit",
        "database",
        "runs",
        "backfill",
        "learner_tests",
    ),
    extensions=("supplier_standin", "dbt_warehouse", "backfill", "learner_tests"),
    gate="parse",
    check_modules=tuple(
        f"grader.labs.lab04_airflow_dags.checks_{tier}"
        for tier in ("validation", "definition", "unit", "integration", "e2e")
    ),
    artifacts=AirflowArtifacts,
    options=options,
    # the dbt DAG's warehouse: DuckDB in the job locally, PostgreSQL in a sibling container
    container_services=("postgres",),
    timeout_s=480.0,
)
