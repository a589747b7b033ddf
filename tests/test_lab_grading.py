"""Every graded lab for real: full marks on solutions, zero on the starter, exact losses on wrong work."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.course import lab_entry
from grader.labs import graded_lab_ids
from grader.model import Status
from tests.conftest import LABS, SOLUTIONS, fixture_submissions, graded_batch, graded_once

pytestmark = pytest.mark.slow

GRADED = graded_lab_ids()
WRONG = [(lab, p) for lab in GRADED for p in fixture_submissions(lab)]


@pytest.fixture(params=GRADED)
def lab(request: pytest.FixtureRequest) -> str:
    return request.param


def test_solution_gets_full_marks(lab: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test of the lab passes on solutions/."""
    report = graded_once(tmp_path_factory, lab, SOLUTIONS)
    failed = {t["id"]: t["message"] for t in report["tests"] if t["status"] != "passed"}
    assert report["status"] == Status.GRADED, report["problems"]
    assert not failed
    assert report["score"] == report["max_score"] > 0


def test_starter_scores_zero_and_fails_every_test(lab: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The untouched starter is gradable, scores 0, and every test with points fails on it."""
    report = graded_once(tmp_path_factory, lab, LABS)
    assert report["status"] == Status.GRADED, report["problems"]
    assert not [t["id"] for t in report["tests"] if t["status"] == "passed"]
    assert report["score"] == 0


def test_every_concept_is_carried_by_a_graded_test(lab: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The lab's concept ids in course.yml appear on tests with points in report.json."""
    report = graded_once(tmp_path_factory, lab, SOLUTIONS)
    carried = {c for t in report["tests"] if t["max_score"] > 0 for c in t["concepts"]}
    assert set(lab_entry(lab)["concepts"]) == carried


def test_failed_messages_teach(lab: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every failure says what was expected, what was found and where it is taught."""
    for t in graded_once(tmp_path_factory, lab, LABS)["tests"]:
        assert "Expected:" in t["message"] or "could not read" in t["message"], t["id"]
        assert f"Learn: labs/{lab}/{lab}.ipynb, section" in t["message"], t["id"]


@pytest.mark.parametrize(("lab", "fixture"), WRONG, ids=[f"{lab[:2]}-{p.name}" for lab, p in WRONG])
def test_fixture_submission_loses_exactly_its_points(
    lab: str, fixture: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A plausible wrong submission fails exactly the tests listed beside it; correct work in another style fails none.

    All of a lab's fixtures are graded as one cohort, with its solution and starter.
    """
    expected = yaml.safe_load((fixture / "expected.yml").read_text())
    report = graded_batch(tmp_path_factory, lab).reports[fixture.name]
    failed = sorted(t["id"] for t in report["tests"] if t["status"] != "passed")
    assert report["status"] == expected.get("status", "graded"), report.get("problems")
    assert failed == sorted(expected["failed"])
    assert report["score"] == expected["score"]
