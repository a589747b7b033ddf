"""Edge coverage of the grading data: the shape every lab's ``edges.py`` reports in.

A lab's grader package may hold ``edges.py`` with ``coverage() -> list[Edge]``: for each rule the
lab grades, how many grading rows (or chosen inputs) sit on each side of the rule's edge. A side
with no row means a wrong rule (`>` for `>=`, the local day for the UTC one) scores as the right
one; tests/test_edges.py fails on it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from grader.labs import grader_module


@dataclass(frozen=True)
class Edge:
    rule: str  # the rule as the notebook states it
    checks: tuple[str, ...]  # the graded tests that apply it
    sides: dict[str, int]  # side of the edge -> rows or inputs there

    @property
    def covered(self) -> bool:
        return all(self.sides.values())


def edges_of(lab_id: str) -> Callable[[], list[Edge]] | None:
    """The lab's ``coverage`` function, or None when it keeps no edges module."""
    module = grader_module(lab_id)
    if module is None:
        return None
    try:
        return importlib.import_module(f"{module}.edges").coverage
    except ModuleNotFoundError:
        return None


def table(edges: list[Edge]) -> str:
    lines = []
    for edge in edges:
        sides = ", ".join(f"{side}: {n}" for side, n in edge.sides.items())
        lines.append(
            f"{'ok     ' if edge.covered else 'MISSING'} {edge.rule}\n        {sides}  ({', '.join(edge.checks)})"
        )
    return "\n".join(lines)
