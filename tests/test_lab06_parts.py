"""Lab 06's grader parts written so far (the lab is planned, not graded yet): each checked on its own."""

from __future__ import annotations

import math

import pytest

from grader.labs.lab06_mwaa import constraints
from grader.labs.lab06_mwaa.autoscaling import Sample, workers_over
from grader.labs.lab06_mwaa.environment_classes import CLASSES
from grader.labs.lab06_mwaa.probes import IDLE_S, TRACES

# worked out by hand from the rule in grader/labs/lab06_mwaa/autoscaling.py, sample by sample
BY_HAND = {
    "small_up_and_down": [1, 1, 2, 2, 3, 5, 5, 5, 5, 1],
    "idle_broken_by_a_task": [3, 3, 3, 3, 3, 1],
    "min_two_workers": [2, 3, 3, 2],
    "worker_autoscale_raised": [1, 2, 5],
    "micro_never_scales": [1, 1],
    "empty_trace": [],
}


def replay(name: str) -> list[int]:
    options = dict(TRACES[name])
    return workers_over(options.pop("trace"), idle_s=IDLE_S, **options)


@pytest.mark.parametrize("name", TRACES)
def test_reference_autoscaling_gives_the_workers_worked_out_by_hand(name: str) -> None:
    """The grader's reference follows the stated rule on every trace."""
    assert replay(name) == BY_HAND[name]


def rounds_down(trace: tuple[Sample, ...], per_worker: int, low: int, high: int) -> list[int]:
    """A plausible wrong rule: floor instead of ceil, and back to min as soon as the load is 0."""
    return [min(high, max(low, (s.running + s.queued) // per_worker)) for s in trace]


def test_the_traces_reach_every_edge_of_the_rule() -> None:
    """Loads on, below and above a multiple of a worker's tasks; min and max reached; the idle
    period's edge on, below and above, and broken by a task: a wrong rule cannot score as the right one."""
    loads = {"on": 0, "below": 0, "above": 0}
    idle = {"below": 0, "on": 0, "above": 0, "broken": 0}
    for options in TRACES.values():
        spec = CLASSES[options["environment_class"]]
        if not spec.autoscales:
            continue
        per_worker = options.get("tasks_per_worker") or spec.tasks_per_worker
        since = None
        for sample in options["trace"]:
            load = sample.running + sample.queued
            if load and load >= per_worker:
                side = {0: "on", 1: "above", per_worker - 1: "below"}.get(load % per_worker)
                if side:
                    loads[side] += 1
            if load:
                idle["broken"] += since is not None
                since = None
                continue
            since = sample.t_s if since is None else since
            gap = sample.t_s - since
            if gap:
                idle[{True: "on", False: "below" if gap < IDLE_S else "above"}[gap == IDLE_S]] += 1
    assert all(loads.values()), loads
    assert all(idle.values()), idle
    clamped = [
        name
        for name, options in TRACES.items()
        if any(
            math.ceil((s.running + s.queued) / CLASSES[options["environment_class"]].tasks_per_worker)
            not in range(options["min_workers"], options["max_workers"] + 1)
            for s in options["trace"]
            if s.running + s.queued
        )
    ]
    assert {"small_up_and_down", "min_two_workers"} <= set(clamped), clamped


@pytest.mark.parametrize(
    "name", [n for n in TRACES if CLASSES[TRACES[n]["environment_class"]].autoscales and TRACES[n]["trace"]]
)
def test_a_rule_that_rounds_down_or_drops_at_once_differs_from_the_reference(name: str) -> None:
    """Every non-empty trace of a class that scales tells the wrong rule apart."""
    options = TRACES[name]
    spec = CLASSES[options["environment_class"]]
    per_worker = options.get("tasks_per_worker") or spec.tasks_per_worker
    wrong = rounds_down(options["trace"], per_worker, options["min_workers"], options["max_workers"])
    assert wrong != replay(name)


def test_constraints_pin_mwaa_s_airflow_and_say_how_they_were_made() -> None:
    """The committed constraints pin Airflow 3.3.1 and its task SDK, one exact version a package, and
    their header names the command and the index's date that remake them."""
    lines = constraints.CONSTRAINTS.read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    pins = dict(line.split("==") for line in lines if not line.startswith("#"))
    assert "python -m grader.labs.lab06_mwaa.constraints" in header[1]
    assert constraints.RELEASED_BY in header[1]
    assert (pins["apache-airflow"], pins["apache-airflow-task-sdk"]) == ("3.3.1", "1.3.1")
    assert {"apache-airflow-providers-celery", "apache-airflow-providers-amazon", "pycurl", "boto3"} <= set(pins)
    assert all(name == name.lower() and version[0].isdigit() for name, version in pins.items())
