"""The edges of lab 06's autoscaling rule, and which samples of the traces (probes.py) sit on,
below and above each: ``coverage`` counts them; a side with 0 samples lets a wrong rule score as
the right one. tests/test_edges.py reads it once the lab is graded; tests/test_lab06_parts.py now.

    python -m grader.labs.lab06_mwaa.edges    # prints the table
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from grader.labs.edges import Edge, table
from grader.labs.lab06_mwaa import probes
from grader.labs.lab06_mwaa.autoscaling import ceil_div
from grader.labs.lab06_mwaa.environment_classes import CLASSES

CHECKS = ("unit.autoscaling_follows_the_queue",)  # the graded test to come (the lab is planned)


def _sides(traces: dict[str, dict[str, Any]], idle_s: float) -> Counter[str]:
    seen: Counter[str] = Counter()
    for options in traces.values():
        spec = CLASSES[options["environment_class"]]
        if not spec.autoscales:
            seen["a class that never scales"] += 1
            continue
        per_worker = options.get("tasks_per_worker") or spec.tasks_per_worker
        seen["celery.worker_autoscale set"] += per_worker != spec.tasks_per_worker
        since = None
        for sample in options["trace"]:
            load = sample.running + sample.queued
            if load:
                # past the first worker's tasks only: a load of 1 is not "one above" a multiple
                if load > per_worker or load % per_worker == 0:
                    side = {0: "load on a multiple", 1: "one above", per_worker - 1: "one below"}.get(load % per_worker)
                    seen.update([side] if side else [])
                need = ceil_div(load, per_worker)
                seen[
                    "below min"
                    if need < options["min_workers"]
                    else "above max"
                    if need > options["max_workers"]
                    else "within"
                ] += 1
                seen["idle broken by a task"] += since is not None
                since = None
                continue
            since = sample.t_s if since is None else since
            if gap := sample.t_s - since:
                seen["idle just below" if gap < idle_s else "idle on" if gap == idle_s else "idle above"] += 1
    return seen


def coverage(traces: dict[str, dict[str, Any]] | None = None) -> list[Edge]:
    seen = _sides(probes.TRACES if traces is None else traces, probes.IDLE_S)

    def edge(rule: str, *sides: str) -> Edge:
        return Edge(rule, CHECKS, {side: seen[side] for side in sides})

    return [
        edge("workers = ceil((running + queued) / tasks per worker)", "one below", "load on a multiple", "one above"),
        edge("kept within min and max workers", "below min", "within", "above max"),
        edge("back to min once idle for the whole idle period", "idle just below", "idle on", "idle above"),
        edge("a task during the idle period starts it again", "idle broken by a task"),
        edge(
            "mw1.micro never scales; celery.worker_autoscale sets the tasks",
            "a class that never scales",
            "celery.worker_autoscale set",
        ),
    ]


if __name__ == "__main__":
    print(table(coverage()))
