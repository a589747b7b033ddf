"""The mutant lists of `make mutants` stay applicable as the solutions change (grading them is not in CI)."""

from __future__ import annotations

from pathlib import Path

from grader.labs import graded_lab_ids
from grader.mutants import apply, load_mutants
from tests.conftest import SOLUTIONS


def test_every_mutant_applies_to_its_solution(tmp_path: Path) -> None:
    """Each mutant's find occurs once in its file, and the edit changes that file."""
    for lab_id in graded_lab_ids():
        for mutant in load_mutants(lab_id):
            assert mutant.find != mutant.replace, mutant.id
            apply(mutant, SOLUTIONS / lab_id, tmp_path / lab_id / mutant.id, lab_id)
            changed = (tmp_path / lab_id / mutant.id / lab_id / mutant.file).read_text()
            assert changed != (SOLUTIONS / lab_id / mutant.file).read_text(), mutant.id
