"""The queue-depth traces a learner's autoscaling is replayed on: each rule's edge is reached
(a load on, one below and one above a multiple of a worker's tasks; above max and below min
workers; zero load for one second less than the idle period, for exactly it, and broken by a task
before it ends; mw1.micro; celery.worker_autoscale raising a worker's tasks; an empty trace)."""

from __future__ import annotations

from typing import Any

from grader.labs.lab06_mwaa.autoscaling import Sample


def trace(*rows: tuple[float, int, int]) -> tuple[Sample, ...]:
    return tuple(Sample(t, running, queued) for t, running, queued in rows)


IDLE_S = 120
TRACES: dict[str, dict[str, Any]] = {
    # mw1.small: 5 tasks a worker; loads of 5, 6, 9, 11, then above max, then the idle period's edge
    "small_up_and_down": {
        "environment_class": "mw1.small",
        "min_workers": 1,
        "max_workers": 5,
        "trace": trace(
            (0, 0, 0),
            (30, 5, 0),
            (60, 5, 1),
            (90, 4, 5),
            (120, 5, 6),
            (150, 5, 25),
            (180, 3, 0),
            (210, 0, 0),
            (329, 0, 0),
            (330, 0, 0),
        ),
    },
    # a task before the idle period ends starts it again
    "idle_broken_by_a_task": {
        "environment_class": "mw1.small",
        "min_workers": 1,
        "max_workers": 10,
        "trace": trace((0, 12, 0), (60, 0, 0), (170, 0, 1), (180, 0, 0), (299, 0, 0), (300, 0, 0)),
    },
    # two workers at least: a light load keeps them, a heavy one adds to them
    "min_two_workers": {
        "environment_class": "mw1.medium",
        "min_workers": 2,
        "max_workers": 4,
        "trace": trace((0, 1, 0), (30, 10, 11), (60, 0, 0), (200, 0, 0)),
    },
    # celery.worker_autoscale=8,8 on mw1.medium: 8 tasks a worker, not 10
    "worker_autoscale_raised": {
        "environment_class": "mw1.medium",
        "min_workers": 1,
        "max_workers": 25,
        "tasks_per_worker": 8,
        "trace": trace((0, 8, 0), (30, 8, 1), (60, 20, 20)),
    },
    # mw1.micro never scales
    "micro_never_scales": {
        "environment_class": "mw1.micro",
        "min_workers": 1,
        "max_workers": 1,
        "trace": trace((0, 3, 40), (60, 0, 0)),
    },
    "empty_trace": {"environment_class": "mw1.small", "min_workers": 1, "max_workers": 5, "trace": ()},
}
