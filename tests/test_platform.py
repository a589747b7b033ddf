"""Adding a lab is a folder: a throwaway copy of lab 01 under another id grades with no shared file edited."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from grader.course import course, use_course
from grader.grading import grade_workspace
from grader.model import Status
from tests.conftest import IGNORE, REPO, SOLUTIONS

pytestmark = pytest.mark.slow

COPY = "98_dbt_copy"


def throwaway_course(root: Path) -> Path:
    """A course folder of its own: course.yml with one lab, its solution, and its grader package."""
    entry = next(lab for lab in course()["labs"] if lab["id"] == "01_dbt_models")
    root.mkdir(parents=True)
    entry = {**entry, "id": COPY, "grader": "throwaway_lab98", "notebook": f"labs/{COPY}/{COPY}.ipynb"}
    (root / "course.yml").write_text(yaml.safe_dump({"labs": [entry]}))
    lab = root / "solutions" / COPY
    shutil.copytree(SOLUTIONS / "01_dbt_models", lab, ignore=IGNORE)
    (lab / "01_dbt_models.ipynb").rename(lab / f"{COPY}.ipynb")
    package = root / "packages" / "throwaway_lab98"
    package.mkdir(parents=True)
    for source in (REPO / "grader" / "labs" / "lab01_dbt_models").glob("*.py"):
        text = source.read_text().replace("grader.labs.lab01_dbt_models", "throwaway_lab98")
        (package / source.name).write_text(text.replace("01_dbt_models", COPY))
    return root


def test_a_new_lab_grades_without_editing_shared_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lab registered only in its own course.yml entry and folders gets full marks on its solution."""
    before = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout
    root = throwaway_course(tmp_path / "course")
    monkeypatch.syspath_prepend(str(root / "packages"))
    with use_course(root / "course.yml"):
        reports = grade_workspace(
            root / "solutions", "98", isolation="local", report_dir=tmp_path / "reports", quiet=True
        )
    assert reports is not None
    report = reports[0]
    assert report.lab == COPY
    assert report.status is Status.GRADED, report.problems
    assert report.score == report.max_score == 80
    after = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout
    assert after == before
