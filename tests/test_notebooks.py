"""Every solution notebook executes headless, top to bottom, and draws its pictures."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import IGNORE, SOLUTIONS

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted(SOLUTIONS.glob("*/*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_solution_notebook_executes(notebook: Path, tmp_path: Path) -> None:
    """The notebook runs without error in a copy of the labs and shows at least one image."""
    # every lab beside it: lab 04's dbt DAG builds lab 01's project from ../01_dbt_models
    shutil.copytree(SOLUTIONS, tmp_path / "solutions", ignore=IGNORE)
    lab = tmp_path / "solutions" / notebook.parent.name
    nb = nbformat.read(lab / notebook.name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(lab)}}).execute()
    images = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert images, "expected a picture (the lineage graph)"
