"""The in-process dbt runner says why a command did nothing, in dbt's own words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from grader.sandbox.dbt.runner import Dbt, without_traceback
from tests.conftest import IGNORE, SOLUTIONS


def test_a_traceback_is_cut_to_its_last_line() -> None:
    """dbt's sentence stays; of the Python traceback under it, only the line naming the error."""
    text = "Encountered an error:\nbad byte\nTraceback (most recent call last):\n  File x\nUnicodeDecodeError: 0xe9\n"
    assert without_traceback(text) == "Encountered an error:\nbad byte\nUnicodeDecodeError: 0xe9"
    assert without_traceback("plain words") == "plain words"


@pytest.mark.slow
def test_showing_a_missing_model_says_nothing_matched(tmp_path: Path) -> None:
    """`dbt show --select` of a model that does not exist reports dbt's warning, not 'without an error message'."""
    project = tmp_path / "warehouse"
    shutil.copytree(SOLUTIONS / "01_dbt_models" / "warehouse", project, ignore=IGNORE)
    (tmp_path / "profiles").mkdir()
    output = {"type": "duckdb", "path": str(tmp_path / "w.duckdb")}
    (tmp_path / "profiles" / "profiles.yml").write_text(
        yaml.safe_dump({"fernhill": {"target": "t", "outputs": {"t": output}}})
    )
    dbt = Dbt(project, tmp_path / "profiles", tmp_path / "target", tmp_path / "logs")
    assert dbt.invoke(["deps"], common=dbt.deps_common).success
    assert dbt.parse().success
    shown = dbt.show(["--select", "no_such_model"])
    assert not shown["ok"]
    assert "no_such_model" in shown["error"]
    assert "without an error message" not in shown["error"]
