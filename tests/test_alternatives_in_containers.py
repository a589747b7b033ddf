"""Correct work in another style gets full marks in a container too, not only with the local runner.

Every lab's passes_* fixtures (written from labs/ alone) are graded with ``--isolation container``,
two at a time, once per session; tests/test_lab_grading.py grades the same ones locally.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from grader.labs import graded_lab_ids
from grader.model import LabReport, Status
from tests.conftest import SOLUTIONS, fixture_submissions, grade_with_spec, make_workspace

pytestmark = [pytest.mark.docker, pytest.mark.slow]

ALTERNATIVES = [(lab, p) for lab in graded_lab_ids() for p in fixture_submissions(lab) if p.name.startswith("passes_")]
_GRADED: dict[str, LabReport] = {}


def _name(lab: str, fixture: Path) -> str:
    return f"{lab[:2]}-{fixture.name}"


def graded_alternatives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LabReport]:
    if not _GRADED:
        root = tmp_path_factory.mktemp("alternatives")

        def grade(lab: str, fixture: Path) -> LabReport:
            workspace = make_workspace(root / _name(lab, fixture), lab, SOLUTIONS / lab, fixture / "edits.yml")
            return grade_with_spec(lab, workspace, "container")

        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {_name(lab, f): pool.submit(grade, lab, f) for lab, f in ALTERNATIVES}
            _GRADED.update({name: future.result() for name, future in futures.items()})
    return _GRADED


@pytest.mark.parametrize(("lab", "fixture"), ALTERNATIVES, ids=[_name(lab, p) for lab, p in ALTERNATIVES])
def test_alternative_correct_work_gets_full_marks_in_a_container(
    runtime_image: str, lab: str, fixture: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The container runner gives the fixture its expected full marks, failing no test."""
    expected = yaml.safe_load((fixture / "expected.yml").read_text())
    report = graded_alternatives(tmp_path_factory)[_name(lab, fixture)]
    assert report.status is Status.GRADED, report.problems
    assert [t.id for t in report.tests if t.status != "passed"] == []
    assert report.score == report.max_score == expected["score"]
