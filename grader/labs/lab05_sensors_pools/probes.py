"""What the sandbox job does with the learner's lab 05: the custom sensor poked on prepared files,
the DAGs run while their world changes (files landing late, a service starting, a row turning
complete), and the KubernetesExecutor's pods rendered.

Each input sits on an edge of a rule the notebook states: a batch one row short of ``min_rows``,
exactly on it and one above; a file that is only a header; no file at all; a landing file that is
there but still filling; a health check that answers 404, then 503, then a 200 that is not ready
yet; a control row of the right day still loading beside a complete row of the day before.
"""

from __future__ import annotations

from typing import Any

from grader.sandbox.extensions.sensor_world import CONTROL_CONN_ID, order_rows

SENSORS = "include.fernhill.sensors"
DAY = "2025-03-04"
MIN_ROWS = 10
SUPPLIERS = 7  # the stand-in's suppliers (sensor_world)
POD_TEMPLATE = "pod_templates/fernhill_worker.yaml"

# the files the custom sensor is poked on, by name: rows below, on and above min_rows
PROBE_FILES = {
    "orders_9.csv": order_rows(9, DAY),
    "orders_10.csv": order_rows(10, DAY),
    "orders_11.csv": order_rows(11, DAY),
    "orders_header_only.csv": order_rows(0, DAY),
}


def _poke(call_id: str, name: str) -> dict[str, Any]:
    return {
        "id": call_id,
        "module": SENSORS,
        "function": "OrderBatchSensor",
        "kwargs": {"task_id": "probe", "path": f"{{work}}/probe_files/{name}", "min_rows": MIN_ROWS},
        "method": "poke",
        "method_args": [{}],
    }


CALLS: list[dict[str, Any]] = [
    _poke("poke_below_min_rows", "orders_9.csv"),
    _poke("poke_on_min_rows", "orders_10.csv"),
    _poke("poke_above_min_rows", "orders_11.csv"),
    _poke("poke_header_only", "orders_header_only.csv"),
    _poke("poke_no_file", "orders_missing.csv"),
]

# the sensors poke every 0.3 s and give up after a few seconds: the grader cannot wait hours
FAST = {"sensor_poke_s": 0.3, "sensor_timeout_s": 8}
# the export lands late, and fills in two steps: first 4 rows, then 12
LANDING = {
    "files": [
        {"name": "orders_{day}.csv", "rows": 4, "after_s": 3.0},
        {"name": "orders_{day}.csv", "rows": 12, "after_s": 4.5},
    ]
}
# "starting", then "warming": a check for "not starting" lets the second through
HEALTH = ["404", "503", "503", "starting", "warming", "ready"]
PREVIOUS_DAY = "2025-03-03"
CONTROL = {
    "sql": [
        {
            "after_s": 0,
            "sql": "CREATE TABLE IF NOT EXISTS batch_control (batch_day date PRIMARY KEY, status text);"
            "DELETE FROM batch_control;"
            f"INSERT INTO batch_control VALUES ('{PREVIOUS_DAY}', 'complete'), ('{DAY}', 'loading');",
        },
        {"after_s": 4.0, "sql": f"UPDATE batch_control SET status = 'complete' WHERE batch_day = '{DAY}';"},
    ]
}
# the cut-off 30 minutes after the logical date is 5 s ahead: the sensor really defers
DEFERRED_OFFSET_S = -(30 * 60) + 5


def runs() -> list[dict[str, Any]]:
    return [
        {
            "id": "landing_day",
            "dag_id": "fernhill_landing",
            "logical_date": f"{DAY}T06:00:00+00:00",
            "day": DAY,
            "world": LANDING,
            **FAST,
        },
        {
            "id": "supplier_day",
            "dag_id": "fernhill_supplier_sync",
            "logical_date": f"{DAY}T05:00:00+00:00",
            "day": DAY,
            "world": {"health": HEALTH},
            **FAST,
        },
        {
            "id": "batch_day",
            "dag_id": "fernhill_batch_gate",
            "logical_date": f"{DAY}T06:30:00+00:00",
            "day": DAY,
            "world": CONTROL,
            **FAST,
        },
        # an hour after landing_day, in the same metadata database: the landing run is there to find
        {
            "id": "reporting_day",
            "dag_id": "fernhill_reporting",
            "logical_date": f"{DAY}T07:00:00+00:00",
            "day": DAY,
            "sensor_poke_s": 0.3,
            "sensor_timeout_s": 3,
        },
        # now, minus 30 minutes, plus 5 s: no landing run an hour before, so only the cut-off is graded
        {
            "id": "reporting_deferred",
            "dag_id": "fernhill_reporting",
            "logical_date": "now",
            "now_offset_s": DEFERRED_OFFSET_S,
            "sensor_poke_s": 0.3,
            "sensor_timeout_s": 1,
        },
    ]


# Part two runs on a Celery deployment (celery_cluster): first the contention phase, where the
# four supplier calls of two DAGs wait together for the 1-slot pool while the store reports run
# beside them; then the failover phase, where the worker running the export is killed mid-task.
SUPPLIER_POOL = "supplier_api"
SUPPLIER_TASKS = {
    "fernhill_price_refresh": ["refresh_prices", "refresh_catalogue", "refresh_promotions"],
    "fernhill_stock_refresh": ["refresh_stock"],
}
STORE_TASKS = ["report_harbour", "report_market_hall", "report_old_town", "report_station"]
EXPORT = ("fernhill_nightly_export", "export_nightly")
# the backfill phase: the learner's backfill.sh rebuilds three days of sales history, beside the
# DAG's own scheduled run; its tasks share the dedicated pool
HISTORY_DAG = "fernhill_sales_history"
HISTORY_POOL = "history"
HISTORY_DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"]
BACKFILL_FILE = "backfill.sh"
CLUSTER_DAGS = [*SUPPLIER_TASKS, "fernhill_store_reports", HISTORY_DAG, EXPORT[0]]
# the moments the tasks take, shortened: long enough to overlap when nothing stops them
CLUSTER_ENV = {"FERNHILL_CALL_S": "1", "FERNHILL_REPORT_S": "4", "FERNHILL_EXPORT_S": "4", "FERNHILL_REBUILD_S": "1"}
# a lost worker is noticed 10 s after its task's last heartbeat (the default is 5 minutes)
CLUSTER_SETTINGS = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "10",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "1",
    "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "2",
    # each phase unpauses its DAGs: the history DAG's scheduled run must not start in the first phase
    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
}


def cluster() -> dict[str, Any]:
    from grader.airflow_schema import metadata_schema_sql

    return {
        "pools_file": "pools.json",
        "backfill_file": BACKFILL_FILE,
        # part two has no deferrable task: no triggerer (one process and 1-2 s of start-up fewer)
        "roles": ["api-server", "scheduler", "dag-processor"],
        "env": CLUSTER_ENV,
        "settings": CLUSTER_SETTINGS,
        "schema_sql": metadata_schema_sql(),  # made once per machine; restored in 1 s instead of a migrate
        "phases": [
            {
                "id": "contention",
                "trigger": [*SUPPLIER_TASKS, "fernhill_store_reports"],
                "release": [SUPPLIER_POOL],
                "timeout_s": 60,
            },
            # before the failover phase: both workers are still there to be crowded
            {"id": "backfill", "backfill": HISTORY_DAG, "timeout_s": 90},
            {"id": "failover", "trigger": [EXPORT[0]], "kill_worker_running": list(EXPORT), "timeout_s": 60},
        ],
    }


POD_SPECS = {"dag_id": "fernhill_reporting", "logical_date": f"{DAY}T07:00:00+00:00", "pod_template_file": POD_TEMPLATE}
__all__ = ["CALLS", "CONTROL_CONN_ID", "POD_SPECS", "PROBE_FILES", "cluster", "runs"]
