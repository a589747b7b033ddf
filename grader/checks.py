"""The API every graded check uses: a decorated function that raises CheckFailed to fail.

    @check(tier=Tier.DEFINITION, points=2, concepts=["dbt.sources"])
    def staging_models_read_sources(a: DbtArtifacts) -> None:
        "Every staging model selects from source(), never from a raw table."
        ...
        expect(ok, expected="...", found="...")

Checks are discovered from the modules a lab lists; an instructor's private pack uses the same API.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.model import Tier


class CheckFailed(AssertionError):
    """A check found the submission wrong; the message is shown to the learner."""

    def __init__(self, expected: str, found: str, hint: str = "") -> None:
        self.expected, self.found, self.hint = expected, found, hint
        super().__init__(f"Expected: {expected}\nFound: {found}" + (f"\nHint: {hint}" if hint else ""))


class MissingArtifact(CheckFailed):
    """What the check reads was never produced (a step failed or did not run)."""


def expect(condition: object, *, expected: str, found: object, hint: str = "") -> None:
    if not condition:
        raise CheckFailed(expected, str(found), hint)


@dataclass(frozen=True)
class Check:
    id: str
    tier: Tier
    points: float
    concepts: tuple[str, ...]
    func: Callable[[Any], None]

    @property
    def description(self) -> str:
        return (inspect.getdoc(self.func) or self.id).splitlines()[0]


def check(*, tier: Tier, points: float, concepts: Iterable[str]) -> Callable[[Callable], Callable]:
    """Mark a function as a graded check; its id is ``<tier>.<function name>``."""

    def mark(func: Callable) -> Callable:
        func.__check__ = Check(f"{tier.value}.{func.__name__}", tier, float(points), tuple(concepts), func)  # type: ignore[attr-defined]
        return func

    return mark


def collect(modules: Iterable[ModuleType]) -> list[Check]:
    """Every check defined in ``modules``, in tier order then source order."""
    found: list[Check] = []
    for module in modules:
        members = [m for _, m in inspect.getmembers(module, inspect.isfunction) if hasattr(m, "__check__")]
        members.sort(key=lambda f: f.__code__.co_firstlineno)
        found += [m.__check__ for m in members if m.__module__ == module.__name__]
    order = list(Tier)
    found.sort(key=lambda c: order.index(c.tier))
    ids = [c.id for c in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"two checks share the id(s) {duplicates}: rename one of the functions")
    return found


def import_modules(names: Iterable[str]) -> list[ModuleType]:
    return [importlib.import_module(name) for name in names]


def import_pack(folder: Path) -> list[ModuleType]:
    """Load an instructor's private check pack: every ``*.py`` file of ``folder``."""
    modules = []
    for path in sorted(Path(folder).glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"grader_pack_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load the check pack file {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return modules
