"""Every lab the grader knows, from course.yml: a LabSpec each, found by ``01`` or ``01_dbt_models``.

course.yml is the one list of labs. A lab with ``status: graded`` has a grader package, by default
``grader.labs.lab<id>`` (``grader:`` in its entry names another), whose ``SPEC`` says how to grade it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.course import course, lab_entry


@dataclass(frozen=True)
class LabSpec:
    """How to grade one lab: which engine runs the learner's code, with which steps, and which checks judge it.

    ``steps`` name entries of the engine's step table (``grader/sandbox/<engine>/``) in the order
    they run; an entry is a name, or a dict ``{"step": name, "name": recorded name, ...options}``.
    ``options`` builds the lab's plan data (grading seed, runs, probes) when grading starts, never
    at import: the job reads it, and the checks get it as ``artifacts.options``.
    """

    id: str
    title: str
    project: str  # the folder of the lab holding the learner's project
    engine: str  # package of grader.sandbox that executes it ("dbt", "airflow")
    steps: tuple[str | dict[str, Any], ...]
    check_modules: tuple[str, ...]
    artifacts: Any  # class wrapping the job's output for the checks
    options: Callable[[], dict[str, Any]] = dict
    extensions: tuple[str, ...] = ()  # modules of grader/sandbox/extensions/ whose steps the lab adds
    gate: str = "parse"  # the job step that must succeed for anything to be gradable
    required: str = "dbt_project.yml"  # in the project folder: without it there is nothing to grade
    notebook: str | None = None  # the lab notebook whose nbgrader cells are autograded
    services: tuple[str, ...] = ()  # servers the runner starts beside the job (names of grader.services.SERVICES)
    container_services: tuple[str, ...] = ()  # ... only with --isolation container (locally: the embedded default)
    timeout_s: float = 600.0


class UnknownLab(ValueError):
    pass


def lab_ids() -> list[str]:
    """Every lab of the course, in course order."""
    return [lab["id"] for lab in course()["labs"]]


def graded_lab_ids() -> list[str]:
    """The labs with a grader (``status: graded`` in course.yml)."""
    return [lab["id"] for lab in course()["labs"] if lab.get("status") == "graded"]


def resolve_lab_id(name: str) -> str:
    """``01`` or ``01_dbt_models`` -> ``01_dbt_models``."""
    ids = lab_ids()
    for lab_id in ids:
        if name == lab_id or name == lab_id.split("_")[0]:
            return lab_id
    raise UnknownLab(f"unknown lab {name!r}; choose one of: {', '.join(ids)} (or their numbers, or all)")


def grader_module(lab_id: str) -> str | None:
    """The package holding the lab's SPEC, or None for a lab without a grader yet."""
    entry = lab_entry(lab_id)
    if entry.get("status") != "graded":
        return None
    return str(entry.get("grader") or f"grader.labs.lab{lab_id}")


def grader_folder(lab_id: str) -> Path | None:
    """The folder of the lab's grader package (its checks, CHECKS.md, mutants.yml), or None without one."""
    module = grader_module(lab_id)
    return Path(importlib.import_module(module).__file__ or "").parent if module else None


def load_spec(lab_id: str) -> LabSpec | None:
    module = grader_module(lab_id)
    return importlib.import_module(module).SPEC if module else None
