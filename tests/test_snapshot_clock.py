"""Lab 03's clock macro: the project ships the one the grader writes over it."""

from __future__ import annotations

from grader.sandbox.extensions.snapshot_clock import CLOCK, CLOCK_FILE
from tests.conftest import LABS, SOLUTIONS


def test_the_lab_ships_the_graders_clock() -> None:
    """The notebook replays past nights with the same macro the grader stamps its runs with."""
    for root in (SOLUTIONS, LABS):
        assert (root / "03_snapshots" / "warehouse" / "macros" / CLOCK_FILE).read_text() == CLOCK
