"""Lab 05: Fernhill Market's DAGs wait for files, a service, a row, a time and another DAG, with a
custom sensor and the KubernetesExecutor's pods (part one); they share a rate-limited API through
a pool, take turns by priority, and run on Celery workers bound to queues (part two)."""

from __future__ import annotations

from functools import cache
from typing import Any

from grader.artifacts.airflow import AirflowArtifacts
from grader.labs import LabSpec
from grader.labs.lab05_sensors_pools.probes import CALLS, POD_SPECS, PROBE_FILES, cluster, runs


@cache
def options() -> dict[str, Any]:
    return {"airflow_env": "FERNHILL", "calls": CALLS, "runs": runs(), "cluster": cluster()}


SPEC = LabSpec(
    id="05_sensors_pools",
    title="Sensors, pools, queues and executors",
    project=".",
    required="dags",
    notebook=None,  # the exercises are the DAG files; the notebook has no graded cells
    engine="airflow",
    steps=(
        {"step": "world", "probe_files": PROBE_FILES},  # what the sensors wait for
        "parse",
        "lint",
        "unit",
        "database",
        {"step": "pod_specs", **POD_SPECS},
        "runs",
        "cluster_runs",  # part two: pools, priorities, queues and a lost worker on Celery
    ),
    extensions=("sensor_world", "kubernetes_pods", "celery_cluster"),
    gate="parse",
    check_modules=tuple(
        f"grader.labs.lab05_sensors_pools.checks_{tier}" for tier in ("definition", "unit", "integration", "e2e")
    ),
    artifacts=AirflowArtifacts,
    options=options,
    # the control database the SqlSensor reads: embedded locally, a sibling container with --isolation container
    # and the Celery deployment's metadata DB (a database of its own on that server) and broker
    services=("postgres", "redis"),
    timeout_s=420.0,
)
