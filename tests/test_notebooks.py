"""Every solution notebook executes headless, top to bottom, and draws its pictures."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from tests.conftest import IGNORE, SOLUTIONS

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted(SOLUTIONS.glob("*/*.ipynb"))
CELL_TIMEOUT_S, NOTEBOOK_TIMEOUT_S = 600, 900


def execute(notebook: Path, root: Path) -> tuple[Path, str]:
    """Run a copy of the notebook in place, in a copy of every lab (lab 04's dbt DAG builds lab 01's
    project from ../01_dbt_models); its kernel is a process group of its own, killed whole at the deadline."""
    shutil.copytree(SOLUTIONS, root / "solutions", ignore=IGNORE)
    copy = root / "solutions" / notebook.parent.name / notebook.name
    command = [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace"]
    command += [
        f"--ExecutePreprocessor.timeout={CELL_TIMEOUT_S}",
        "--ExecutePreprocessor.kernel_name=python3",
        str(copy),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        output, _ = process.communicate(timeout=NOTEBOOK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return copy, f"did not finish within {NOTEBOOK_TIMEOUT_S} s\n{output[-3000:]}"
    return copy, "" if process.returncode == 0 else output[-3000:]


_EXECUTED: dict[Path, tuple[Path, str]] = {}


def executed(notebook: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Every notebook executed once per session, two at a time: a notebook mostly waits on one core
    (a kernel, sensors' timers), so two side by side take little longer than the longest. Later labs first,
    they take longest."""
    if not _EXECUTED:
        order = sorted(NOTEBOOKS, reverse=True)
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {nb: pool.submit(execute, nb, tmp_path_factory.mktemp(nb.parent.name[:2])) for nb in order}
            _EXECUTED.update({nb: future.result() for nb, future in futures.items()})
    return _EXECUTED[notebook]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_solution_notebook_executes(notebook: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The notebook runs without error in a copy of the labs and shows at least one image."""
    copy, error = executed(notebook, tmp_path_factory)
    assert not error, error
    nb = nbformat.read(copy, as_version=4)
    images = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert images, "expected a picture (the lineage graph)"
