"""labs/ is generated from solutions/ and never drifts; solution markers strip cleanly."""

from __future__ import annotations

import json

import pytest

from grader.labs import lab_ids
from grader.release.markers import MarkerError, strip_solutions
from grader.release.release import diff_release
from tests.conftest import LABS, REPO


def test_sql_region_becomes_a_todo_line() -> None:
    """A SQL region is replaced by its hint as a comment, at the marker's indentation."""
    text = "select\n    -- BEGIN SOLUTION: the columns (exercise 1.1)\n    a, b\n    -- END SOLUTION\nfrom t\n"
    assert strip_solutions(text) == "select\n    -- TODO: the columns (exercise 1.1)\nfrom t\n"


def test_jinja_region_stays_a_jinja_comment() -> None:
    """Inside a macro the stub is a Jinja comment, so the macro still compiles."""
    text = "{% macro m() %}\n  {#- BEGIN SOLUTION: body -#}\n  1\n  {#- END SOLUTION -#}\n{% endmacro %}\n"
    assert "{#- TODO: body -#}" in strip_solutions(text)
    assert "  1\n" not in strip_solutions(text)


def test_python_region_raises_not_implemented() -> None:
    """A Python stub raises NotImplementedError so the file still imports."""
    text = "def f():\n    # BEGIN SOLUTION: return 1\n    return 1\n    # END SOLUTION\n"
    stripped = strip_solutions(text, python=True)
    assert "raise NotImplementedError('return 1')" in stripped
    compile(stripped, "f.py", "exec")


@pytest.mark.parametrize(
    "text",
    ["-- BEGIN SOLUTION\nx\n", "x\n-- END SOLUTION\n", "-- BEGIN SOLUTION\n-- BEGIN SOLUTION\n-- END SOLUTION\n"],
    ids=["unclosed", "end_without_begin", "nested"],
)
def test_broken_markers_are_refused(text: str) -> None:
    """Unclosed, stray or nested markers stop the release instead of leaking a solution."""
    with pytest.raises(MarkerError):
        strip_solutions(text)


def test_labs_match_a_fresh_release() -> None:
    """labs/ is exactly what `grader release` makes from solutions/ (run `make release`)."""
    assert diff_release(REPO) == []


def test_every_lab_has_a_starter_and_a_solution_folder() -> None:
    """labs/ and solutions/ hold the labs course.yml lists, each with a README."""
    names = lab_ids()
    for root in (LABS, REPO / "solutions"):
        assert sorted(p.name for p in root.iterdir() if p.is_dir()) == names
        assert all((root / n / "README.md").is_file() for n in names)


def test_released_files_carry_no_solution_markers() -> None:
    """No BEGIN SOLUTION marker (and no solution code) reaches a learner's starter."""
    leaked = [p for p in LABS.rglob("*") if p.is_file() and "BEGIN SOLUTION" in p.read_text(errors="ignore")]
    assert not leaked


def test_released_notebook_hides_the_quiz_answers() -> None:
    """The released lab 01 notebook keeps the quiz cell but not its answers."""
    notebook = json.loads((LABS / "01_dbt_models" / "01_dbt_models.ipynb").read_text())
    quiz = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "quiz_cloud_vs_core"]
    assert len(quiz) == 1
    assert "answers =" not in "".join(quiz[0]["source"])


def test_a_starter_twin_replaces_its_solution_file(tmp_path) -> None:
    """A file that cannot hold markers (JSON) is released from its ``.starter`` twin, under the solution's name."""
    from grader.release.release import release_lab

    solution = tmp_path / "solution"
    solution.mkdir()
    (solution / "pools.json").write_text('{"supplier_api": {"slots": 1, "description": "one call at a time"}}')
    (solution / "pools.starter.json").write_text("{}")
    release_lab(solution, tmp_path / "lab")
    assert sorted(p.name for p in (tmp_path / "lab").iterdir()) == ["pools.json"]
    assert (tmp_path / "lab" / "pools.json").read_text() == "{}"
