"""Fernhill Market's stock refresh: one call of the supplier API, then a memory-hungry index rebuild.

The call shares the supplier API's one slot (the pool ``supplier_api``) with the price refresh.
The rebuild needs the big worker: only ``worker-2`` serves the Celery queue ``heavy``.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from include.fernhill.suppliers import call_supplier, rebuild_index


@dag(
    dag_id="fernhill_stock_refresh",
    schedule=None,  # started by the supplier's "stock changed" webhook
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["fernhill", "lab05"],
    default_args={"owner": "data-team"},
)
def fernhill_stock_refresh():
    # BEGIN SOLUTION: refresh_stock: a task returning call_supplier("stock"), in the pool supplier_api (exercise 10.1)
    @task(pool="supplier_api")
    def refresh_stock() -> dict:
        return call_supplier("stock")
    # END SOLUTION

    # BEGIN SOLUTION: rebuild_stock_index: a task returning rebuild_index(answer) for refresh_stock's answer, sent to the Celery queue heavy (exercise 13.1)
    @task(queue="heavy")
    def rebuild_stock_index(answer: dict) -> int:
        return rebuild_index(answer)

    rebuild_stock_index(refresh_stock())
    # END SOLUTION


fernhill_stock_refresh()
