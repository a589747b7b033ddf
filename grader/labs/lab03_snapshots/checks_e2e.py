"""Lab 03, end to end: the whole history of every snapshot after each day, exactly as expected."""

from __future__ import annotations

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import check, expect
from grader.datagen.snapshots import DAYS
from grader.labs.lab03_snapshots.expected import SNAPSHOTS
from grader.labs.lab03_snapshots.history import differences, found, wanted
from grader.model import Tier


@check(tier=Tier.E2E, points=2, concepts=["snap.multi_run"])
def first_run_takes_every_row(a: DbtArtifacts) -> None:
    """After day 1 each snapshot holds one current row per key of the first extract."""
    for name in SNAPSHOTS:
        diff = differences(found(a, name, "day_1"), wanted(name, 1))
        expect(not diff, expected=f"{name} after day 1: every row of the extract, once", found=diff)


@check(tier=Tier.E2E, points=4, concepts=["snap.multi_run"])
def history_matches_every_day(a: DbtArtifacts) -> None:
    """After each of the six days, every snapshot's whole history (intervals, deleted rows, values) is exact."""
    for day in range(2, DAYS + 1):
        for name in SNAPSHOTS:
            diff = differences(found(a, name, f"day_{day}"), wanted(name, day))
            expect(not diff, expected=f"{name} after day {day}: the history the extracts give", found=diff)
