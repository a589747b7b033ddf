"""Fernhill Market's nightly export: a long task that must finish even if its worker is lost.

The export rewrites its whole file, so running it again is safe. When the machine of the Celery
worker running it dies, the scheduler notices the task's heartbeats stopped and, if the task has
retries left, queues it again: another worker of the same queue takes it.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task
from include.fernhill.suppliers import export_orders


@dag(
    dag_id="fernhill_nightly_export",
    schedule=None,  # started by the shop's end-of-day job
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["fernhill", "lab05"],
    default_args={"owner": "data-team"},
)
def fernhill_nightly_export():
    # TODO: export_nightly: a task returning export_orders(), retried twice, 5 seconds apart, when it fails or its worker is lost (exercise 13.2)
    pass


fernhill_nightly_export()
