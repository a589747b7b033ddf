"""The local runner enforces the wall-time limit from outside and grades what finished."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from grader.model import Status
from tests.conftest import LAB01, SOLUTIONS, grade_with_spec, make_workspace

pytestmark = pytest.mark.slow

# dbt runs models in worker threads, where Python cannot install signal handlers: the loop is
# stopped by SIGKILL from outside, which no handler could catch anyway.
ENDLESS_MODEL = """
def model(dbt, session):
    dbt.config(materialized="table")
    while True:
        pass
    return dbt.ref("customers").df()
"""


def test_endless_python_model_is_killed_and_the_rest_graded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that loops forever is killed from outside; parse-time tiers are still graded."""
    # the job's folder, named in every job process's command line, under this test's own folder:
    # another test worker's jobs are not this test's leftovers
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ws = make_workspace(tmp_path / "ws", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    (ws / "01_dbt_models" / "warehouse" / "models" / "marts" / "customer_segments.py").write_text(ENDLESS_MODEL)
    report = grade_with_spec(LAB01, ws, timeout_s=40)
    assert report.status is Status.GRADED
    assert any("Stopped after 40s" in p for p in report.problems)
    assert report.tiers["definition"].score == report.tiers["definition"].max_score
    assert report.tiers["integration"].score < report.tiers["integration"].max_score
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True, check=False)
    assert leftovers.stdout.strip() == ""
