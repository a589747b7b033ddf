"""The grader's own worker autoscaling, replayed on a queue-depth trace: the reference a learner's
implementation is compared with, sample by sample.

The rule, as the lab states it:
- a worker runs ``tasks_per_worker`` tasks at once (the class's default, or celery.worker_autoscale's
  maximum when the environment sets it);
- at each sample the environment needs ceil((running + queued) / tasks_per_worker) workers, kept
  within min and max workers; when that is more than it has, it scales up to it at once;
- it never removes a worker while a task runs or waits: once running + queued has been 0 for the
  whole idle period (``idle_s`` seconds, on or past it), it goes back to min workers;
- mw1.micro has one worker, whatever the trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grader.labs.lab06_mwaa.environment_classes import CLASSES


@dataclass(frozen=True)
class Sample:
    t_s: float  # seconds since the trace began, increasing
    running: int
    queued: int


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def workers_over(
    trace: Sequence[Sample],
    *,
    environment_class: str,
    min_workers: int,
    max_workers: int,
    idle_s: float,
    tasks_per_worker: int | None = None,
) -> list[int]:
    """The workers the environment has after each sample of the trace."""
    spec = CLASSES[environment_class]
    if not spec.autoscales:
        return [1 for _ in trace]
    per_worker = tasks_per_worker or spec.tasks_per_worker
    workers, idle_since = min_workers, None
    after: list[int] = []
    for sample in trace:
        load = sample.running + sample.queued
        if load:
            idle_since = None
            workers = max(workers, min(max_workers, max(min_workers, ceil_div(load, per_worker))))
        else:
            idle_since = sample.t_s if idle_since is None else idle_since
            if sample.t_s - idle_since >= idle_s:
                workers = min_workers
        after.append(workers)
    return after
