"""report.json, JUnit XML and the feedback page follow the grader contract."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.model import LabReport, Status, TestResult, Tier
from grader.reports import write_reports
from tests.conftest import REPO

CONTRACT_KEYS = {
    "schema",
    "lab",
    "workspace",
    "isolation",
    "status",
    "score",
    "max_score",
    "tiers",
    "tests",
    "duration_s",
}
TEST_KEYS = {"id", "tier", "concepts", "score", "max_score", "status", "message"}


def sample_report() -> LabReport:
    tests = (
        TestResult("validation.a", Tier.VALIDATION, ("dbt.packages",), 2.0, 2.0, "passed", "ok"),
        TestResult("unit.b", Tier.UNIT, ("dbt.macros",), 0.0, 3.0, "failed", "B\nExpected: 1\nFound: 2"),
    )
    return LabReport(
        lab="01_dbt_models", workspace="/w", isolation="local", status=Status.GRADED, tests=tests, duration_s=1.234
    )


def test_report_json_has_the_contract_fields(tmp_path: Path) -> None:
    """report.json carries schema 1 and every contract field, with tier totals."""
    data = json.loads(write_reports(sample_report(), tmp_path).read_text())
    assert set(data) >= CONTRACT_KEYS
    assert data["schema"] == 1
    assert (data["score"], data["max_score"]) == (2.0, 5.0)
    assert data["tiers"] == {"validation": {"score": 2.0, "max_score": 2.0}, "unit": {"score": 0.0, "max_score": 3.0}}
    assert all(set(t) >= TEST_KEYS for t in data["tests"])


def test_junit_groups_tests_by_tier(tmp_path: Path) -> None:
    """junit.xml has one testsuite per tier and marks failures."""
    write_reports(sample_report(), tmp_path)
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert [s.get("name") for s in root] == ["01_dbt_models.validation", "01_dbt_models.unit"]
    assert root.get("failures") == "1"


def test_score_chart_is_an_svg_with_a_bar_per_tier(tmp_path: Path) -> None:
    """scores.svg draws one bar per tier and is linked from the feedback page."""
    write_reports(sample_report(), tmp_path)
    svg = ET.parse(tmp_path / "scores.svg").getroot()
    assert svg.tag.endswith("svg")
    assert len([r for r in svg.iter() if r.tag.endswith("rect")]) == 4
    assert "![Score per tier](scores.svg)" in (tmp_path / "feedback.md").read_text()


def test_html_feedback_is_self_contained(tmp_path: Path) -> None:
    """feedback.html embeds its chart and needs nothing from the network."""
    write_reports(sample_report(), tmp_path)
    page = (tmp_path / "feedback.html").read_text()
    assert "<svg" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    # one inline script, which only rewrites notebook links when JupyterLab serves the page
    assert page.count("<script") == 1
    assert "<script src" not in page
    assert page.index("To fix") < page.index("Passed")


def test_feedback_page_lists_what_to_fix_first(tmp_path: Path) -> None:
    """feedback.md shows the score, a bar per tier and the failed test before the passed ones."""
    write_reports(sample_report(), tmp_path)
    page = (tmp_path / "feedback.md").read_text()
    assert page.startswith("# Lab 01_dbt_models, dbt models: 2 / 5 points")
    assert page.index("## To fix") < page.index("## Passed")


@pytest.mark.slow
def test_check_on_solutions_exits_0_and_writes_all_reports(tmp_path: Path) -> None:
    """`grader check 01_dbt_models --workspace solutions` exits 0 and writes the three reports."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader.cli",
            "check",
            "01_dbt_models",
            "--workspace",
            str(REPO / "solutions"),
            "--report",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    written = {p.name for p in (tmp_path / "01_dbt_models").iterdir()}
    assert written == {"report.json", "junit.xml", "feedback.md", "feedback.html", "scores.svg", "work.svg"}
    assert "validation" in done.stdout
    assert "Feedback:" in done.stdout
    assert "e2e tier: 3/3 tests passed, 8/8 points" in done.stderr
