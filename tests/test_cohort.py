"""`grader grade` grades every submission of a cohort, zips included, into one gradebook."""

from __future__ import annotations

import csv
import json
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.notebook_grading import graded_cells
from grader.submissions import UnsafeZip, extract_zip
from tests.conftest import LABS, SOLUTIONS, make_workspace

FIXTURES = Path(__file__).parent / "fixtures" / "lab01"
NOTEBOOK = "01_dbt_models/01_dbt_models.ipynb"
HIDDEN_LINES = [
    line.strip()
    for cell in graded_cells("01_dbt_models", "01_dbt_models.ipynb").values()
    for line in cell["hidden"].splitlines()
    if len(line.strip()) > 6
]


def edit_quiz(learner: Path, answer: str, test: str | None = None) -> None:
    """Rewrite the quiz's answer cell (and its locked test cell) in a learner's notebook."""
    path = learner / NOTEBOOK
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id == "quiz_cloud_vs_core":
            cell["source"] = answer
        if grade_id == "quiz_cloud_vs_core_tests" and test is not None:
            cell["source"] = test
    path.write_text(json.dumps(nb))


def zip_folder(folder: Path, archive: Path, prefix: str) -> Path:
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{prefix}/{path.relative_to(folder)}")
    return archive


def test_zip_with_a_parent_path_is_refused(tmp_path: Path) -> None:
    """A member named ../x would land outside the submission: the zip is not extracted."""
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as zf:
        zf.writestr("../escape.txt", "out")
    with pytest.raises(UnsafeZip, match="outside the submission"):
        extract_zip(tmp_path / "evil.zip", tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_zip_with_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    """A symbolic link inside a zip could point anywhere: the zip is not extracted."""
    info = zipfile.ZipInfo("01_dbt_models/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeZip, match="symbolic link"):
        extract_zip(tmp_path / "link.zip", tmp_path / "out")


def test_zip_with_a_top_folder_finds_the_labs(tmp_path: Path) -> None:
    """labs/01_dbt_models/... inside a zip is found as the workspace."""
    make_workspace(tmp_path / "src", "01_dbt_models", LABS / "01_dbt_models")
    archive = zip_folder(tmp_path / "src", tmp_path / "cy.zip", "labs")
    assert extract_zip(archive, tmp_path / "out") == tmp_path / "out" / "labs"


def grade_cohort(cohort: Path, reports: Path, jobs: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "grader.cli",
            "grade",
            str(cohort),
            "--lab",
            "01",
            "--isolation",
            "local",
            "--jobs",
            str(jobs),
            "--report",
            str(reports),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_cohort_is_graded_two_at_a_time_into_one_gradebook(tmp_path: Path) -> None:
    """Folders and zips are graded two at a time, broken ones reported, into one gradebook in learner order."""
    cohort = tmp_path / "cohort"
    make_workspace(cohort / "ada", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    make_workspace(cohort / "bo", "01_dbt_models", LABS / "01_dbt_models")
    make_workspace(tmp_path / "cy-src", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    zip_folder(tmp_path / "cy-src", cohort / "cy.zip", "labs")
    with zipfile.ZipFile(cohort / "dee.zip", "w") as zf:
        zf.writestr("../../escape.txt", "out")
    (cohort / "eve").mkdir()
    make_workspace(
        cohort / "fay",
        "01_dbt_models",
        SOLUTIONS / "01_dbt_models",
        FIXTURES / "fails_revenue_includes_returns" / "edits.yml",
    )
    # gus hides tracebacks so failing notebook tests would look passed; hal empties a locked test cell
    make_workspace(cohort / "gus", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    edit_quiz(cohort / "gus", 'answers = {"q1": "a"}\nget_ipython().showtraceback = lambda *a, **k: None\n')
    make_workspace(cohort / "hal", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    edit_quiz(cohort / "hal", 'answers = {"q1": "c", "q2": "c", "q3": "a"}\n', test="assert True\n")

    # two at a time, as an instructor would: the gradebook is the same whatever order they finish in
    first = grade_cohort(cohort, tmp_path / "r1", jobs=2)
    assert first.returncode == 2  # dee and eve could not be graded; the batch went on
    with (tmp_path / "r1" / "gradebook.csv").open() as f:
        rows = {r["learner"]: r for r in csv.DictReader(f)}
    assert {k: (v["01_dbt_models"], v["01_dbt_models_status"]) for k, v in rows.items()} == {
        "ada": ("80", "graded"),
        "bo": ("0", "graded"),
        "cy": ("80", "graded"),
        "dee": ("0", "not_gradable"),
        "eve": ("0", "not_gradable"),
        "fay": ("73", "graded"),
        "gus": ("76", "graded"),  # both notebook exercises lost: its tests could not be trusted
        "hal": ("78", "graded"),  # the test cell is restored from its checksum; the quiz fails
    }
    dee = json.loads((tmp_path / "r1" / "dee" / "01_dbt_models" / "report.json").read_text())
    assert "could not be opened" in dee["problems"][0]
    gradescope = json.loads((tmp_path / "r1" / "ada" / "gradescope_results.json").read_text())
    assert gradescope["score"] == 80.0
    assert all({"name", "score", "max_score", "output"} <= set(t) for t in gradescope["tests"])
    assert (tmp_path / "r1" / "ada" / "01_dbt_models" / "feedback.html").exists()
    assert "[8/8]" in first.stderr
    # what learners and instructors read never quotes a hidden test
    shown = [first.stdout, first.stderr] + [
        f.read_text(errors="replace") for f in (tmp_path / "r1").rglob("*") if f.is_file()
    ]
    assert not [line for line in HIDDEN_LINES for text in shown if line in text]
    overview = (tmp_path / "r1" / "index.html").read_text()
    assert all(f"<td>{name}</td>" in overview for name in ("ada", "bo", "cy", "dee", "eve", "fay", "gus", "hal"))
    assert "ada/01_dbt_models/feedback.html" in overview
    # rows in learner order, whatever order the two workers finished in
    assert list(rows) == sorted(rows)
