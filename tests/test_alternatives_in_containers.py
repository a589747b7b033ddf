"""Correct work in another style gets full marks in a container too, not only with the local runner.

Every lab's first passes_* fixture (written from labs/ alone) is graded with ``--isolation container``
in the suite's one pool of container gradings (tests/containers.py); tests/test_lab_grading.py
grades it, and the lab's other passes_* fixtures, locally, and tests/test_container_runner.py
compares the two runners test by test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.model import Status
from tests.containers import CONTAINED, alternative_name, graded_in_containers

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.mark.parametrize(
    ("lab", "fixture"), CONTAINED.items(), ids=[alternative_name(lab, p) for lab, p in CONTAINED.items()]
)
def test_alternative_correct_work_gets_full_marks_in_a_container(
    runtime_image: str, lab: str, fixture: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The container runner gives the fixture its expected full marks, failing no test."""
    expected = yaml.safe_load((fixture / "expected.yml").read_text())
    report = graded_in_containers(tmp_path_factory)[alternative_name(lab, fixture)]
    assert report.status is Status.GRADED, report.problems
    assert [t.id for t in report.tests if t.status != "passed"] == []
    assert report.score == report.max_score == expected["score"]
