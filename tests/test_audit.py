"""Each lab's CHECKS.md (every check beside its exercise's text) is generated and up to date."""

from __future__ import annotations

from grader.audit import checks_table, exercises, main
from grader.course import course_root, exercise_numbers, lab_entry
from grader.labs import graded_lab_ids


def test_checks_tables_are_up_to_date() -> None:
    """`python -m grader.audit --check` passes: the tables match the checks, course.yml and the notebooks."""
    assert main(["--check"]) == 0


def test_every_check_cites_an_exercise_the_notebook_has() -> None:
    """No row of a CHECKS.md cites an exercise missing from its notebook."""
    for lab_id in graded_lab_ids():
        entry = lab_entry(lab_id)
        numbers = exercises(course_root() / entry["notebook"])
        cited = {n for c in entry["concepts"].values() for n in exercise_numbers(c)}
        assert cited <= set(numbers), (lab_id, sorted(cited - set(numbers)))
        assert "(not in the notebook)" not in checks_table(lab_id)
