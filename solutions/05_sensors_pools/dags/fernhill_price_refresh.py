"""Fernhill Market's price refresh: three calls of the supplier API, each published to the shop.

The supplier's API takes one call at a time, from any DAG: the stock refresh
(``fernhill_stock_refresh``) calls it too. The pool ``supplier_api`` (``pools.json``) has one slot,
so every task calling the API waits its turn. Promotions go live first thing: when several calls
wait, ``refresh_promotions`` goes first.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from include.fernhill.suppliers import call_supplier, publish

SUPPLIER_POOL = "supplier_api"


@dag(
    dag_id="fernhill_price_refresh",
    schedule=None,  # started by the supplier's "new prices" webhook
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["fernhill", "lab05"],
    default_args={"owner": "data-team"},
)
def fernhill_price_refresh():
    @task
    def hand_over(answer: dict) -> str:
        return publish(answer)

    # BEGIN SOLUTION: refresh_prices and refresh_catalogue: tasks returning call_supplier("prices") and call_supplier("catalogue"), both in the pool supplier_api (exercise 10.1)
    @task(pool=SUPPLIER_POOL)
    def refresh_prices() -> dict:
        return call_supplier("prices")

    @task(pool=SUPPLIER_POOL)
    def refresh_catalogue() -> dict:
        return call_supplier("catalogue")
    # END SOLUTION

    # BEGIN SOLUTION: refresh_promotions: a task returning call_supplier("promotions"), in the pool supplier_api, served first: priority_weight 10 and weight_rule "absolute" (exercise 11.1)
    @task(pool=SUPPLIER_POOL, priority_weight=10, weight_rule="absolute")
    def refresh_promotions() -> dict:
        return call_supplier("promotions")
    # END SOLUTION

    # BEGIN SOLUTION: each refresh hands its answer to hand_over, as publish_prices, publish_catalogue and publish_promotions (exercise 10.1)
    hand_over.override(task_id="publish_prices")(refresh_prices())
    hand_over.override(task_id="publish_catalogue")(refresh_catalogue())
    hand_over.override(task_id="publish_promotions")(refresh_promotions())
    # END SOLUTION


fernhill_price_refresh()
