"""Lab 05, sensors (part one): Fernhill Market's DAGs wait for files, a service, a row, a time and
another DAG, with a custom sensor and the KubernetesExecutor's pods."""

from __future__ import annotations

from functools import cache
from typing import Any

from grader.artifacts.airflow import AirflowArtifacts
from grader.labs import LabSpec
from grader.labs.lab05_sensors_pools.probes import CALLS, POD_SPECS, PROBE_FILES, runs


@cache
def options() -> dict[str, Any]:
    return {"airflow_env": "FERNHILL", "calls": CALLS, "runs": runs()}


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
    ),
    extensions=("sensor_world", "kubernetes_pods"),
    gate="parse",
    check_modules=tuple(
        f"grader.labs.lab05_sensors_pools.checks_{tier}" for tier in ("definition", "unit", "integration")
    ),
    artifacts=AirflowArtifacts,
    options=options,
    # the control database the SqlSensor reads: embedded locally, a sibling container with --isolation container
    services=("postgres",),
    timeout_s=300.0,
)
