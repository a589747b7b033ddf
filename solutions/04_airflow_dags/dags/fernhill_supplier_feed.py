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
        # BEGIN SOLUTION: on_failure_callback: a SlackWebhookNotifier on the connection fernhill_slack whose text names the DAG, the task and the ds (exercise 12.1)
        "on_failure_callback": SlackWebhookNotifier(
            slack_webhook_conn_id="fernhill_slack",
            text=":red_circle: {{ dag.dag_id }}.{{ ti.task_id }} failed for {{ ds }}",
        ),
        # END SOLUTION
    },
)
def fernhill_supplier_feed():
    # BEGIN SOLUTION: fetch_suppliers (SupplierFeedOperator: day="{{ ds }}", since="{{ macros.ds_add(ds, -7) }}", out_dir="{{ var.value.fernhill_out_dir }}"), report_week (the plugin macro), trigger_orders (TriggerDagRunOperator with the same logical date, the count in conf, the custom notifier on success) (exercises 10.1 to 13.1)
    fetch_suppliers = SupplierFeedOperator(
        task_id="fetch_suppliers",
        day="{{ ds }}",
        since="{{ macros.ds_add(ds, -7) }}",  # a built-in macro: a week before the logical date
        out_dir="{{ var.value.fernhill_out_dir }}",
    )
    report_week = BashOperator(task_id="report_week", bash_command="echo 'week {{ macros.fernhill.iso_week(ds) }}'")
    trigger_orders = TriggerDagRunOperator(
        task_id="trigger_orders",
        trigger_dag_id="fernhill_orders_daily",
        logical_date="{{ logical_date }}",
        conf={"suppliers": "{{ ti.xcom_pull(task_ids='fetch_suppliers') }}"},
        on_success_callback=AlertsFileNotifier(message="supplier feed of {{ ds }} ready, orders triggered"),
    )
    fetch_suppliers >> report_week >> trigger_orders
    # END SOLUTION


fernhill_supplier_feed()
