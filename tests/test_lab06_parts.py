"""Lab 06's grader parts written so far (the lab is planned, not graded yet): each checked on its own."""

from __future__ import annotations

import pytest

from grader.labs.edges import table
from grader.labs.lab06_mwaa import constraints
from grader.labs.lab06_mwaa.autoscaling import Sample, workers_over
from grader.labs.lab06_mwaa.edges import coverage
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
    """Every side of every edge of the rule has samples (grader/labs/lab06_mwaa/edges.py), and
    taking the planted idle-period edge away is caught."""
    edges = coverage()
    assert [e for e in edges if not e.covered] == [], table(edges)
    thinned = {**TRACES, "small_up_and_down": {**TRACES["small_up_and_down"]}}
    thinned["small_up_and_down"]["trace"] = TRACES["small_up_and_down"]["trace"][:-1]
    thinned.pop("idle_broken_by_a_task")
    missing = [e.rule for e in coverage(thinned) if not e.covered]
    assert "back to min once idle for the whole idle period" in missing


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
