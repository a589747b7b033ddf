"""`grader grade` grades every submission of a cohort, zips included, into one gradebook."""

from __future__ import annotations

import csv
import json
import stat
import zipfile
from pathlib import Path

import pytest
import yaml

from grader.notebook_grading import graded_cells
from grader.submissions import UnsafeZip, extract_zip
from tests.conftest import (
    LAB01,
    LABS,
    SOLUTION,
    STARTER,
    fixture_submissions,
    graded_batch,
    make_workspace,
    zip_folder,
)

HIDDEN_LINES = [
    line.strip()
    for cell in graded_cells("01_dbt_models", "01_dbt_models.ipynb").values()
    for line in cell["hidden"].splitlines()
    if len(line.strip()) > 6
]


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


@pytest.mark.slow
def test_cohort_is_graded_two_at_a_time_into_one_gradebook(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Folders and zips are graded two at a time, broken ones reported, into one gradebook in learner order.

    The cohort is lab 01's batch (tests/conftest.py): solution, starter, every fixture, and cy (a
    zip), dee (a zip reaching outside), eve (an empty folder), gus and hal (notebook tricks).
    """
    batch = graded_batch(tmp_path_factory, LAB01)
    assert batch.returncode == 2  # dee and eve could not be graded; the batch went on
    with (batch.folder / "gradebook.csv").open() as f:
        rows = {r["learner"]: r for r in csv.DictReader(f)}
    fixtures = {p.name: yaml.safe_load((p / "expected.yml").read_text()) for p in fixture_submissions(LAB01)}
    assert {k: (v[LAB01], v[f"{LAB01}_status"]) for k, v in rows.items()} == {
        SOLUTION: ("80", "graded"),
        STARTER: ("0", "graded"),
        "cy": ("80", "graded"),
        "dee": ("0", "not_gradable"),
        "eve": ("0", "not_gradable"),
        "gus": ("76", "graded"),  # both notebook exercises lost: its tests could not be trusted
        "hal": ("78", "graded"),  # the test cell is restored from its checksum; the quiz fails
        **{name: (f"{e['score']:g}", e.get("status", "graded")) for name, e in fixtures.items()},
    }
    dee = batch.reports["dee"]
    assert "could not be opened" in dee["problems"][0]
    gradescope = json.loads((batch.folder / SOLUTION / "gradescope_results.json").read_text())
    assert gradescope["score"] == 80.0
    assert all({"name", "score", "max_score", "output"} <= set(t) for t in gradescope["tests"])
    assert (batch.folder / SOLUTION / LAB01 / "feedback.html").exists()
    assert f"[{len(rows)}/{len(rows)}]" in batch.stderr
    # what learners and instructors read never quotes a hidden test
    shown = [batch.stdout, batch.stderr] + [
        f.read_text(errors="replace") for f in batch.folder.rglob("*") if f.is_file()
    ]
    assert not [line for line in HIDDEN_LINES for text in shown if line in text]
    overview = (batch.folder / "index.html").read_text()
    assert all(f"<td>{name}</td>" in overview for name in rows)
    assert f"{SOLUTION}/{LAB01}/feedback.html" in overview
    # rows in learner order, whatever order the two workers finished in
    assert list(rows) == sorted(rows)
