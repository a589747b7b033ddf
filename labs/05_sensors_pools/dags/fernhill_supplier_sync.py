"""Fernhill Market's supplier sync: wait until the supplier API says it is ready, then fetch the suppliers.

The API restarts every morning. While it starts, ``GET /health`` first answers 404 (the route is
not there yet), then 503 (warming up), then 200 with a status that is not ready yet
(``{"status": "starting"}``, ``{"status": "warming"}``), and finally 200 with
``{"status": "ready"}``. Only then does ``GET /suppliers`` answer; before, it is a 503.
"""

from __future__ import annotations

import pendulum
import requests
from airflow.providers.http.hooks.http import HttpHook
from airflow.providers.http.sensors.http import HttpSensor
from airflow.sdk import dag, task

SUPPLIER_CONN_ID = "fernhill_supplier_api"


def supplier_api_is_ready(response) -> bool:
    """The response_check: a 200 is not enough, the body must say the API is ready."""
    # TODO: True only when the JSON body's status is "ready" (exercise 4.1)
    raise NotImplementedError('True only when the JSON body\'s status is "ready" (exercise 4.1)')


@dag(
    dag_id="fernhill_supplier_sync",
    schedule="0 5 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["fernhill", "lab05"],
    default_args={"owner": "data-team", "retries": 2},
)
def fernhill_supplier_sync():
    # TODO: wait_for_supplier_api: an HttpSensor on the endpoint health of the connection fernhill_supplier_api, with supplier_api_is_ready as its response_check, treating 404 and 503 as "not yet", poking every 30 s, giving up after 10 minutes (exercise 4.1)
    pass

    @task
    def fetch_suppliers(ds: str | None = None) -> int:
        """The suppliers changed since the day; the API's token is the connection's password."""
        conn = HttpHook.get_connection(SUPPLIER_CONN_ID)
        response = requests.get(
            f"{conn.schema or 'http'}://{conn.host}:{conn.port}/suppliers",
            params={"since": ds},
            headers={"Authorization": f"Bearer {conn.password}"},
            timeout=30,
        )
        response.raise_for_status()  # a 503: the API is not ready, the task fails
        return len(response.json())

    # TODO: wait_for_supplier_api runs before fetch_suppliers (exercise 4.1)
    pass


fernhill_supplier_sync()
