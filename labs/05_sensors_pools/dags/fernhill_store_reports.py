"""Fernhill Market's store reports: one report per store, after the shops close.

Each report reads the warehouse for a while. The warehouse copes with two reports at once, not
with all of them: a run may have at most two report tasks running (or queued) at a time, and a
second run waits until the first is done.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from include.fernhill.suppliers import store_report

STORES = ["harbour", "market_hall", "old_town", "station"]


@dag(
    dag_id="fernhill_store_reports",
    schedule=None,  # started when the last till closes
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["fernhill", "lab05"],
    default_args={"owner": "data-team"},
    # TODO: at most 2 tasks of a run at a time (max_active_tasks) and one run at a time (max_active_runs) (exercise 12.1)
)
def fernhill_store_reports():
    @task
    def report(store: str) -> str:
        return store_report(store)

    # TODO: one task per store of STORES, named report_<store> (report_harbour, ...), all independent (exercise 12.1)
    pass


fernhill_store_reports()
