"""Fernhill's warehouse, daily: load the day's orders, then build the lab 01 dbt project on them.

Which dbt project, and where it builds, come from the environment, as dbt itself reads them:
``FERNHILL_DBT_PROJECT_DIR`` (the folder with dbt_project.yml and profiles.yml) and
``FERNHILL_DBT_TARGET`` (``dev``, DuckDB, unless set). dbt runs as a command: its exit code is the
task's, so a failing dbt test fails the task, and the run.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import dag, task

from include.fernhill import warehouse

# one place for the flags every dbt command needs; `$VAR` is read by bash when the task runs
DBT = (
    'dbt {command} --project-dir "$FERNHILL_DBT_PROJECT_DIR" --profiles-dir "$FERNHILL_DBT_PROJECT_DIR"'
    ' --target "${{FERNHILL_DBT_TARGET:-dev}}"'
)


@dag(
    dag_id="fernhill_warehouse_daily",
    schedule="30 6 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    max_active_runs=1,
    tags=["fernhill", "lab04", "dbt"],
    default_args={"owner": "data-team", "retries": 1, "retry_delay": pendulum.duration(minutes=5)},
)
def fernhill_warehouse_daily():
    # TODO: load_orders (a @task calling warehouse.load_orders_for_day with ds), dbt_deps and dbt_build (BashOperators with DBT), dbt_build after both (exercise 17.2)
    pass


fernhill_warehouse_daily()
