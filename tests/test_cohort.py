"""`grader grade` grades every submission of a cohort and writes one gradebook."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LABS, SOLUTIONS, make_workspace

pytestmark = pytest.mark.slow


def test_cohort_gradebook_has_a_row_per_learner(tmp_path: Path) -> None:
    """Two learners and a folder that is not a submission: each gets a row, the batch goes on."""
    cohort = tmp_path / "cohort"
    make_workspace(cohort / "ada", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    make_workspace(cohort / "bo", "01_dbt_models", LABS / "01_dbt_models")
    (cohort / "empty").mkdir()
    done = subprocess.run(
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
            "--report",
            str(tmp_path / "reports"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2  # one submission could not be graded
    with (tmp_path / "reports" / "gradebook.csv").open() as f:
        rows = {r["learner"]: r for r in csv.DictReader(f)}
    assert (rows["ada"]["01_dbt_models"], rows["ada"]["01_dbt_models_status"]) == ("71.0", "graded")
    assert (rows["bo"]["01_dbt_models"], rows["bo"]["01_dbt_models_status"]) == ("0.0", "graded")
    assert rows["empty"]["01_dbt_models_status"] == "not_gradable"
    assert (tmp_path / "reports" / "ada" / "01_dbt_models" / "feedback.md").exists()
    assert "[3/3]" in done.stderr
