"""Lab 01 graded for real: full marks on solutions, zero on the starter, exact losses on wrong work."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.model import LabReport, Status
from tests.conftest import FIXTURES, SOLUTIONS, grade, make_workspace

pytestmark = pytest.mark.slow

WRONG = sorted(p for p in (FIXTURES / "lab01").iterdir() if (p / "expected.yml").exists())


def test_solution_gets_full_marks(solution_report_01: LabReport) -> None:
    """Every lab 01 test passes on solutions/."""
    failed = {t.id: t.message for t in solution_report_01.tests if t.status != "passed"}
    assert solution_report_01.status is Status.GRADED, solution_report_01.problems
    assert not failed
    assert solution_report_01.score == solution_report_01.max_score > 0


def test_starter_scores_zero_and_fails_every_test(starter_report_01: LabReport) -> None:
    """The untouched starter is gradable, scores 0, and every test with points fails on it."""
    assert starter_report_01.status is Status.GRADED, starter_report_01.problems
    passing = [t.id for t in starter_report_01.tests if t.status == "passed"]
    assert not passing
    assert starter_report_01.score == 0


def test_every_lab01_concept_is_carried_by_a_graded_test(solution_report_01: LabReport) -> None:
    """All lab 01 concept ids of course.yml appear on tests with points in report.json."""
    from grader.course import lab_entry

    wanted = set(lab_entry("01_dbt_models")["concepts"])
    carried = {c for t in solution_report_01.tests if t.max_score > 0 for c in t.concepts}
    assert wanted == carried


def test_failed_messages_teach(starter_report_01: LabReport) -> None:
    """Every failure says what was expected, what was found and where it is taught."""
    for t in starter_report_01.tests:
        assert "Expected:" in t.message or "could not read" in t.message, t.id
        assert "Learn: labs/01_dbt_models/01_dbt_models.ipynb, section" in t.message, t.id


@pytest.mark.parametrize("fixture", WRONG, ids=[p.name for p in WRONG])
def test_wrong_submission_loses_exactly_its_points(fixture: Path, tmp_path: Path) -> None:
    """A plausible wrong submission fails exactly the tests listed beside it."""
    expected = yaml.safe_load((fixture / "expected.yml").read_text())
    workspace = make_workspace(tmp_path, "01_dbt_models", SOLUTIONS / "01_dbt_models", fixture / "edits.yml")
    report = grade(workspace, "01", tmp_path / "reports")
    failed = sorted(t.id for t in report.tests if t.status != "passed")
    assert report.status.value == expected.get("status", "graded"), report.problems
    assert failed == sorted(expected["failed"])
    assert report.score == expected["score"]
