"""Hostile DAG files, tasks and learner tests in lab 04: each is contained with a clear message, the rest graded.

The cases are in tests/hostile_lab04.py, laid over the lab 04 solution in one workspace, so one
grading per runner covers them all; the container's grading adds three fork bombs and runs in the
suite's pool of container gradings (tests/containers.py).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.containers import first_alternative, graded_in_containers, grader_containers
from tests.hostile_lab04 import LAB, assert_contained, grade_hostile

pytestmark = pytest.mark.slow


def test_hostile_dags_are_contained_locally(tmp_path: Path) -> None:
    """An endless import (SIGALRM honoured or not), exits at import, work at parse time, an endless task."""
    assert_contained(grade_hostile(tmp_path, "local"), forks=False)
    left = subprocess.run(["pgrep", "-f", "sleep 86399"], capture_output=True, text=True, check=False).stdout.split()
    assert not left, f"the import's own process outlived it: {left}"


@pytest.mark.docker
def test_hostile_dags_and_fork_bombs_are_contained_in_a_container(
    runtime_image: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The same cases, and a DAG file, a learner test and a task that fork without end, each stopped with
    its whole process group at its deadline: graded, not an error, no container left."""
    gradings = graded_in_containers(tmp_path_factory)
    report = gradings["04-hostile"]
    assert_contained(report, forks=True)
    # the time it cost, beside correct work's (read in --durations; no timing assertion)
    correct = gradings[first_alternative(LAB)[0]]
    steps = ", ".join(f"{s['name']} {s['duration_s']:.0f} s" for s in report.steps if s.get("duration_s", 0) >= 5)
    print(f"hostile {report.duration_s:.0f} s ({steps}), correct work {correct.duration_s:.0f} s")
    assert grader_containers() == []
