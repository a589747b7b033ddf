"""Fernhill Market's morning report: after the 07:30 cut-off, once the day's landing is loaded.

It runs at 07:00 UTC; the landing DAG ``fernhill_landing`` runs at 06:00 UTC, one hour earlier.
The report itself is heavy: on the KubernetesExecutor it gets a pod of its own (see
pod_templates/fernhill_worker.yaml for what every task's pod starts from).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.providers.standard.sensors.date_time import DateTimeSensorAsync
from airflow.providers.standard.sensors.external_task import ExternalTaskSensor
from airflow.sdk import dag, task
from kubernetes.client import models as k8s


@dag(
    dag_id="fernhill_reporting",
    schedule="0 7 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["fernhill", "lab05"],
    default_args={"owner": "data-team", "retries": 2},
)
def fernhill_reporting():
    # TODO: wait_for_cutoff: a deferrable DateTimeSensorAsync waiting until 30 minutes after the run's logical date (exercise 6.1)
    pass

    # TODO: wait_for_landing: an ExternalTaskSensor on the task load_orders of fernhill_landing's run one hour earlier, poking every 60 s, giving up after 1 hour, in reschedule mode (exercise 8.1)
    pass

    # TODO: build_report's executor_config: a pod_override whose container "base" requests 1 CPU and 2Gi of memory, is limited to 4Gi of memory, and whose pod carries the label team: analytics (exercise 9.1)
    report_pod = k8s.V1Pod()

    @task(executor_config={"pod_override": report_pod})
    def build_report(ds: str | None = None) -> str:
        return f"report of {ds}"

    # TODO: wait_for_cutoff >> wait_for_landing >> build_report (exercise 8.1)
    pass


fernhill_reporting()
