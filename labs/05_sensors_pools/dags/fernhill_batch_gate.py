"""Fernhill Market's batch gate: publish a day's batch only once the loader has marked it complete.

The loader writes one row per day in the table ``batch_control`` (``batch_day date, status text``)
of the control database, reached through the connection ``fernhill_control`` (PostgreSQL). It
inserts the row with status ``loading`` when it starts and sets ``complete`` when it is done.
"""

from __future__ import annotations

import pendulum
from airflow.providers.common.sql.sensors.sql import SqlSensor
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.sdk import dag, task

CONTROL_CONN_ID = "fernhill_control"


@dag(
    dag_id="fernhill_batch_gate",
    schedule="30 6 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["fernhill", "lab05"],
    default_args={"owner": "data-team", "retries": 2},
)
def fernhill_batch_gate():
    # TODO: wait_for_batch: a SqlSensor on fernhill_control, done when batch_control holds the row of {{ ds }} with status 'complete', poking every 2 minutes, giving up after 6 hours, in reschedule mode (exercise 5.1)
    pass

    @task
    def publish_batch(ds: str | None = None) -> str:
        """What the batch's row says when it is published (it must say complete)."""
        row = PostgresHook(postgres_conn_id=CONTROL_CONN_ID).get_first(
            "SELECT status FROM batch_control WHERE batch_day = %s", parameters=(ds,)
        )
        return row[0] if row else "missing"

    # TODO: wait_for_batch runs before publish_batch (exercise 5.1)
    pass


fernhill_batch_gate()
