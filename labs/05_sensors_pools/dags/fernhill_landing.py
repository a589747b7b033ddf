"""Fernhill Market's landing DAG: wait for the shop's order export, check it is complete, load it.

The export lands as ``orders_<ds>.csv`` in the landing folder, which the connection
``fernhill_landing`` (type fs, the folder in its ``path`` extra) and the Variable
``fernhill_landing_dir`` both point at. Promotions arrive on some days only, as
``promotions_<ds>.csv``: a day without them is normal and must not fail the run.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.sensors.filesystem import FileSensor
from airflow.sdk import dag, task
from include.fernhill.sensors import OrderBatchSensor


@dag(
    dag_id="fernhill_landing",
    schedule="0 6 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["fernhill", "lab05"],
    default_args={"owner": "data-team", "retries": 2},
)
def fernhill_landing():
    # TODO: wait_for_orders: a FileSensor on orders_{{ ds }}.csv through the connection fernhill_landing, poking every 60 s, giving up after 2 hours, in reschedule mode (exercises 2.1, 3.1)
    pass

    # TODO: check_batch: an OrderBatchSensor on {{ var.value.fernhill_landing_dir }}/orders_{{ ds }}.csv with min_rows=10, poking every 30 s, giving up after 1 hour, in reschedule mode (exercise 7.2)
    pass

    @task
    def load_orders(batch: dict, ds: str | None = None) -> dict:
        """Here the batch would be loaded into the warehouse; the lab keeps what the sensor saw."""
        return {"day": ds, "file": batch["file"], "rows": batch["rows"]}

    # TODO: wait_for_promotions: a FileSensor on promotions_{{ ds }}.csv through fernhill_landing, poking every 60 s, giving up after 30 minutes, in reschedule mode; a day without promotions skips it and the run still succeeds (exercise 2.2)
    pass

    @task
    def apply_promotions(ds: str | None = None) -> str:
        return f"promotions of {ds} applied"

    # TODO: wire wait_for_orders >> check_batch >> load_orders (which receives check_batch's XCom: load_orders(check_batch.output)) and wait_for_promotions >> apply_promotions (exercise 7.2)
    pass


fernhill_landing()
