"""Lab 04, Airflow DAGs: Fernhill Market's daily order pipeline in Airflow 3."""

from grader.artifacts.airflow import AirflowArtifacts
from grader.course import REPO_ROOT
from grader.labs import LabSpec
from grader.labs.lab04_airflow_dags.probes import CALLS, backfill_plan, learner_tests_plan, runs, warehouse_plan

GRADING_SEED = 2025
GRADING_SCALE = 1.0
DAG_ID = "fernhill_orders_daily"

SPEC = LabSpec(
    id="04_airflow_dags",
    title="Airflow DAGs",
    project=".",
    required="dags",
    notebook="04_airflow_dags.ipynb",
    job="airflow_job",
    check_modules=tuple(
        f"grader.labs.lab04_airflow_dags.checks_{tier}" for tier in ("validation", "definition", "unit", "integration", "e2e")
    ),
    artifacts=AirflowArtifacts,
    job_options={
        "data": {"seed": GRADING_SEED, "scale": GRADING_SCALE},
        "airflow_env": "FERNHILL",
        "calls": CALLS,
        "runs": runs(GRADING_SEED, GRADING_SCALE, DAG_ID),
        "backfill": backfill_plan(GRADING_SEED, GRADING_SCALE, DAG_ID),
        "warehouse": warehouse_plan(REPO_ROOT / "solutions" / "01_dbt_models" / "warehouse", GRADING_SEED, GRADING_SCALE),
        # the learner's tests/ against the reference pipeline and its mutants
        "learner_tests": learner_tests_plan(REPO_ROOT / "solutions" / "04_airflow_dags"),
    },
    # the dbt DAG's warehouse: DuckDB in the job locally, PostgreSQL in a sibling container
    container_services=("postgres",),
    timeout_s=480.0,
)
