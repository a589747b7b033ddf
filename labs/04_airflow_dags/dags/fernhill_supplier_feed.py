"""Fernhill Market's supplier feed: fetch the suppliers from their API, report the week, start the order pipeline.

Everything specific lives in plugins/fernhill_tools/: the hook (how to reach the API, with the
credentials of a connection), the operator, the notifier and the macro. This file only wires them.
"""

from __future__ import annotations

import pendulum
from airflow.providers.slack.notifications.slack_webhook import SlackWebhookNotifier
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import dag

from fernhill_tools.notifiers import AlertsFileNotifier
from fernhill_tools.operators import SupplierFeedOperator


@dag(
    dag_id="fernhill_supplier_feed",
    schedule="0 5 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    tags=["fernhill", "lab04"],
    default_args={
        "owner": "data-team",
        "retries": 1,
        # TODO: on_failure_callback: a SlackWebhookNotifier on the connection fernhill_slack whose text names the DAG, the task and the ds (exercise 12.1)
    },
)
def fernhill_supplier_feed():
    # TODO: fetch_suppliers (SupplierFeedOperator: day="{{ ds }}", since="{{ macros.ds_add(ds, -7) }}", out_dir="{{ var.value.fernhill_out_dir }}"), report_week (the plugin macro), trigger_orders (TriggerDagRunOperator with the same logical date, the count in conf, the custom notifier on success) (exercises 10.1 to 13.1)
    pass


fernhill_supplier_feed()
