"""Lab 05, part two: what the Celery deployment's task instances say, as intervals and names.

A task instance's ``start`` and ``end`` come from the metadata DB (ISO times). Two tasks overlap
when one starts before the other ends; the most at once is the largest number of intervals that
all contain one moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from grader.labs.lab05_sensors_pools.probes import SUPPLIER_TASKS

WORKERS = ("worker-1", "worker-2")  # the deployment's Celery workers (grader/sandbox/airflow/cluster.py)
HEAVY_WORKER = "worker-2"  # the only one serving the queue heavy


def task(phase: dict[str, Any], dag_id: str, task_id: str) -> dict[str, Any]:
    return (phase["runs"].get(dag_id) or {}).get("tasks", {}).get(task_id) or {"state": "missing", "tries": []}


def interval(ti: dict[str, Any]) -> tuple[datetime, datetime] | None:
    if not ti.get("start") or not ti.get("end"):
        return None
    return datetime.fromisoformat(ti["start"]), datetime.fromisoformat(ti["end"])


def most_at_once(tis: list[dict[str, Any]]) -> int:
    """The largest number of the tasks that were running at one moment."""
    events = []
    for ti in tis:
        span = interval(ti)
        if span is not None:
            events += [(span[0], 1), (span[1], -1)]
    running = peak = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):  # an end before a start at the same instant
        running += step
        peak = max(peak, running)
    return peak


def supplier_calls(phase: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The four supplier API calls of the two refresh DAGs, by task id."""
    return {t: task(phase, dag_id, t) for dag_id, ids in SUPPLIER_TASKS.items() for t in ids}


def clock(ti: dict[str, Any]) -> str:
    """A task's run as ``12:00:01.2-12:00:02.4`` for messages."""
    span = interval(ti)
    return f"{span[0]:%H:%M:%S.%f}"[:-5] + f"-{span[1]:%H:%M:%S.%f}"[:-5] if span else ti.get("state", "missing")
