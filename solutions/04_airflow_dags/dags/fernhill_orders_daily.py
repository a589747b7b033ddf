"""Fernhill Market's daily order pipeline: read the day's orders, summarize, branch, load, announce.

The DAG file only wires tasks together; what each task does lives in include/fernhill/, so
parsing this file (which the dag-processor does every few seconds) stays cheap.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import TaskGroup, Variable, dag, task

from include.fernhill import orders as logic
from include.fernhill.alerts import record_failure


@dag(
    dag_id="fernhill_orders_daily",
    # BEGIN SOLUTION: daily at 06:00 Amsterdam time, tz-aware start 2025-01-01, no catchup, one run at a time, tags, default_args owner/retries/on_failure_callback (exercise 2.1)
    schedule="0 6 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    max_active_runs=1,
    tags=["fernhill", "lab04"],
    default_args={
        "owner": "data-team",
        "retries": 2,
        "retry_delay": pendulum.duration(minutes=5),
        "on_failure_callback": record_failure,
    },
    # END SOLUTION
    params={"team": "data-team"},
)
def fernhill_orders_daily():
    # BEGIN SOLUTION: start and end EmptyOperators, TaskFlow extract/summarize/choose, the no_orders placeholder, the load TaskGroup, end joining with none_failed_min_one_success (exercises 3.1 to 6.1)
    start = EmptyOperator(task_id="start")
    end = EmptyOperator(task_id="end", trigger_rule="none_failed_min_one_success")
    no_orders = EmptyOperator(task_id="no_orders")

    @task
    def extract_orders(ds=None) -> list[dict]:
        # a Variable read inside the task, at run time: never at parse time
        return logic.read_orders(Variable.get("fernhill_raw_dir"), ds)

    @task
    def summarize(orders: list[dict]) -> dict:
        return logic.summarize(orders)

    @task.branch
    def choose_load(summary: dict) -> str:
        return logic.choose_load(summary)

    orders = extract_orders()
    summary = summarize(orders)

    with TaskGroup("load") as load:
        write_summary = PythonOperator(
            task_id="write_summary",
            python_callable=logic.write_summary,
            # templates render at run time; `summary` (a TaskFlow result) arrives through XCom
            op_kwargs={"day": "{{ ds }}", "out_dir": "{{ var.value.fernhill_out_dir }}", "summary": summary},
        )
        announce = BashOperator(
            task_id="announce",
            bash_command="echo 'orders of {{ ds }} loaded for {{ params.team }}'",
        )
        write_summary >> announce

    start >> orders
    choose_load(summary) >> [no_orders, load] >> end
    # END SOLUTION


fernhill_orders_daily()
