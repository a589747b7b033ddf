"""Notebook exercises graded by nbgrader autograde, as the sandbox runs it, with honest and hostile notebooks."""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from grader.checks import CheckFailed, collect
from grader.labs import load_spec
from grader.notebook_grading import expect_cell_passed, graded_cells, prepare_course
from grader.sandbox import notebook_autograde
from tests.conftest import LABS, SOLUTIONS

LAB, FILE = "01_dbt_models", "01_dbt_models.ipynb"
HIDDEN_LINES = [
    line.strip() for cell in graded_cells(LAB, FILE).values() for line in cell["hidden"].splitlines() if line.strip()
]


def test_check_points_match_the_notebook_test_cells() -> None:
    """Each notebook check is worth what its test cell says in the solution notebook."""
    spec = load_spec(LAB)
    assert spec is not None
    by_id = {c.id: c for c in collect([importlib.import_module(m) for m in spec.check_modules])}
    points = {cell_id: cell["points"] for cell_id, cell in graded_cells(LAB, FILE).items()}
    assert points == {"quiz_cloud_vs_core_tests": 2.0, "slim_ci_args_tests": 2.0}
    assert by_id["unit.cloud_vs_core_quiz"].points == points["quiz_cloud_vs_core_tests"]
    assert by_id["unit.slim_ci_args_notebook_exercise"].points == points["slim_ci_args_tests"]


def notebook(base: Path) -> dict[str, Any]:
    return json.loads((base / LAB / FILE).read_text())


def cell(nb: dict[str, Any], grade_id: str) -> dict[str, Any]:
    return next(c for c in nb["cells"] if notebook_autograde.nbgrader_meta(c).get("grade_id") == grade_id)


def autograde(tmp_path: Path, nb: dict[str, Any], cell_timeout_s: int = 30) -> dict[str, Any]:
    """What the sandbox's notebook process records for this notebook."""
    course = tmp_path / "nbgrader"
    shutil.copytree(prepare_course(LAB, FILE), course)
    (tmp_path / FILE).write_text(json.dumps(nb))
    result: dict[str, Any] = {"ok": False, "cells": {}, "error": ""}
    options = {
        "path": str(tmp_path / FILE),
        "assignment": LAB,
        "course_dir": str(course),
        "cell_timeout_s": cell_timeout_s,
        "timeout_s": 120,
    }
    notebook_autograde.grade(options, result)
    (tmp_path / "notebook.json").write_text(json.dumps(result))
    return result


def feedback(tmp_path: Path, grade_id: str) -> str:
    """The check's message for one test cell, as a learner would read it ("" when it passed)."""
    try:
        expect_cell_passed(SimpleNamespace(out_dir=tmp_path), LAB, FILE, grade_id)
    except CheckFailed as failed:
        return str(failed)
    return ""


def scores(result: dict[str, Any]) -> dict[str, float]:
    return {cell_id: c["score"] for cell_id, c in result["cells"].items()}


pytestmark = pytest.mark.slow


def test_solution_notebook_gets_every_point(tmp_path: Path) -> None:
    result = autograde(tmp_path, notebook(SOLUTIONS))
    assert result["ok"], result
    assert scores(result) == {"quiz_cloud_vs_core_tests": 2.0, "slim_ci_args_tests": 2.0}


def test_starter_notebook_gets_none_and_says_what_is_missing(tmp_path: Path) -> None:
    result = autograde(tmp_path, notebook(LABS))
    assert scores(result) == {"quiz_cloud_vs_core_tests": 0.0, "slim_ci_args_tests": 0.0}
    assert "NameError" in feedback(tmp_path, "quiz_cloud_vs_core_tests")  # answers never defined
    assert "NotImplementedError" in feedback(tmp_path, "slim_ci_args_tests")


def test_an_edited_locked_test_cell_is_restored_and_hidden_tests_stay_hidden(tmp_path: Path) -> None:
    """Wrong answers, and the test cell emptied to pass: nbgrader restores it and the answers fail."""
    nb = notebook(SOLUTIONS)
    cell(nb, "quiz_cloud_vs_core")["source"] = 'answers = {"q1": "a", "q2": "c", "q3": "a"}\n'
    cell(nb, "quiz_cloud_vs_core_tests")["source"] = "pass  # nothing to see here\n"
    result = autograde(tmp_path, nb)
    assert scores(result) == {"quiz_cloud_vs_core_tests": 0.0, "slim_ci_args_tests": 2.0}
    message = feedback(tmp_path, "quiz_cloud_vs_core_tests")
    assert "AssertionError" in message
    assert not [line for line in HIDDEN_LINES if line in message]


def test_a_deleted_test_cell_scores_zero_and_never_waits_for_manual_grading(tmp_path: Path) -> None:
    nb = notebook(SOLUTIONS)
    nb["cells"].remove(cell(nb, "slim_ci_args_tests"))
    result = autograde(tmp_path, nb)
    assert scores(result) == {"quiz_cloud_vs_core_tests": 2.0, "slim_ci_args_tests": 0.0}
    assert "deleted" in feedback(tmp_path, "slim_ci_args_tests")


def test_an_answer_cell_that_hides_tracebacks_is_not_run_and_scores_zero(tmp_path: Path) -> None:
    """Silencing the traceback display would make every failing test look passed to nbgrader."""
    nb = notebook(SOLUTIONS)
    cell(nb, "quiz_cloud_vs_core")["source"] = (
        'answers = {"q1": "a", "q2": "a", "q3": "b"}\nget_ipython().showtraceback = lambda *args, **kwargs: None\n'
    )
    result = autograde(tmp_path, nb)
    assert result["tampered"] == {"cell": "quiz_cloud_vs_core", "word": "get_ipython"}
    assert scores(result) == {"quiz_cloud_vs_core_tests": 0.0, "slim_ci_args_tests": 0.0}
    assert "get_ipython" in feedback(tmp_path, "slim_ci_args_tests")


def test_an_endless_answer_cell_is_stopped_by_the_cell_timeout(tmp_path: Path) -> None:
    nb = notebook(SOLUTIONS)
    cell(nb, "slim_ci_args")["source"] = "def slim_ci_args(state_dir):\n    while True:\n        pass\n"
    result = autograde(tmp_path, nb, cell_timeout_s=3)
    assert scores(result) == {"quiz_cloud_vs_core_tests": 2.0, "slim_ci_args_tests": 0.0}


def test_a_notebook_that_is_not_json_is_reported(tmp_path: Path) -> None:
    course = tmp_path / "nbgrader"
    shutil.copytree(prepare_course(LAB, FILE), course)
    (tmp_path / FILE).write_bytes(b"\xff\xfe not a notebook")
    result: dict[str, Any] = {"ok": False, "cells": {}, "error": ""}
    notebook_autograde.grade({"path": str(tmp_path / FILE), "assignment": LAB, "course_dir": str(course)}, result)
    assert not result["ok"]
    assert "not a readable notebook" in result["error"]
