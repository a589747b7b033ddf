"""Fernhill Market's sales history: one day's sales, rebuilt store by store from the till logs.

Each run rebuilds the day of its logical date (``ds``). When the till logs of past days are
corrected, those days are rebuilt with a backfill (``backfill.sh``) while the nightly runs go
on. A backfill of many days starts many runs at once, each with a task per store: the history's
tasks share a pool of their own, so however many days are rebuilt, they never take more than its
slots and the rest of the workers' slots stay free for the other DAGs.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from include.fernhill.suppliers import rebuild_sales

STORES = ["harbour", "market_hall", "old_town", "station"]


@dag(
    dag_id="fernhill_sales_history",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,  # past days are rebuilt by a backfill, on purpose, not by the scheduler catching up
    max_active_runs=1,  # the nightly runs, one at a time; a backfill has its own limit (backfill.sh)
    tags=["fernhill", "lab05"],
    default_args={"owner": "data-team"},
)
def fernhill_sales_history():
    # TODO: one task per store of STORES, named rebuild_<store>, returning rebuild_sales(store, ds), all independent, every one in the pool history (exercise 14.1)
    pass


fernhill_sales_history()
