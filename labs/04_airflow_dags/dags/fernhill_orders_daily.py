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
    # TODO: daily at 06:00 Amsterdam time, tz-aware start 2025-01-01, no catchup, one run at a time, tags, default_args owner/retries/on_failure_callback (exercise 2.1)
    params={"team": "data-team"},
)
def fernhill_orders_daily():
    # TODO: start and end EmptyOperators, TaskFlow extract/summarize/choose, the no_orders placeholder, the load TaskGroup, end joining with none_failed_min_one_success (exercises 3.1 to 6.1)
    pass


fernhill_orders_daily()
