"""Fernhill's weekly regional report: a DAG written for Airflow 2, migrated to Airflow 3 (exercise 15.1).

The starter holds it as it was: it does not even import in Airflow 3. `ruff check --select AIR
dags/` lists what to change; `{{ execution_date }}` it cannot see: that one fails when the
template renders.
"""

# BEGIN SOLUTION: migrate this DAG to Airflow 3: schedule=, a time-zone-aware start_date (2025-01-01, Europe/Amsterdam), EmptyOperator, a TaskGroup "reports" instead of the SubDAG, {{ ds }} instead of {{ execution_date }}; then `ruff check --select AIR dags/` must find nothing (exercise 15.1)
import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, TaskGroup

with DAG(
    "fernhill_weekly_report",
    default_args={"owner": "data-team"},
    schedule="@weekly",
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    tags=["fernhill", "lab04"],
) as dag:
    start = EmptyOperator(task_id="start")
    with TaskGroup("reports") as reports:
        for region in ("north", "south"):
            BashOperator(task_id=f"report_{region}", bash_command="echo 'report of {{ ds }} for " + region + "'")
    done = EmptyOperator(task_id="done")
    start >> reports >> done
# STARTER
# from airflow import DAG
# from airflow.operators.bash import BashOperator
# from airflow.operators.dummy import DummyOperator
# from airflow.operators.subdag import SubDagOperator
# from airflow.utils.dates import days_ago
#
#
# def region_reports(parent_dag_id, child_id, default_args):
#     with DAG(f"{parent_dag_id}.{child_id}", default_args=default_args, schedule_interval="@weekly") as subdag:
#         for region in ("north", "south"):
#             BashOperator(task_id=f"report_{region}", bash_command="echo 'report of {{ execution_date }} for " + region + "'")
#     return subdag
#
#
# with DAG(
#     "fernhill_weekly_report",
#     default_args={"owner": "data-team", "start_date": days_ago(7)},
#     schedule_interval="@weekly",
#     catchup=False,
#     tags=["fernhill", "lab04"],
# ) as dag:
#     start = DummyOperator(task_id="start")
#     reports = SubDagOperator(task_id="reports", subdag=region_reports("fernhill_weekly_report", "reports", dag.default_args))
#     done = DummyOperator(task_id="done")
#     start >> reports >> done
# END SOLUTION
