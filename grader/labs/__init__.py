"""Every lab the grader knows: a LabSpec each, found by ``01`` or ``01_dbt_models``."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

# Lab id -> module holding its SPEC. Labs without a grader yet are listed so the CLI can say so.
LAB_MODULES: dict[str, str | None] = {
    "01_dbt_models": "grader.labs.lab01_dbt_models",
    "02_semantic_layer": None,
    "03_snapshots": None,
    "04_airflow_dags": "grader.labs.lab04_airflow_dags",
    "05_sensors_pools": None,
    "06_mwaa": None,
}


@dataclass(frozen=True)
class LabSpec:
    """How to grade one lab: which job runs the learner's code, and which checks judge it."""

    id: str
    title: str
    project: str  # the folder of the lab holding the learner's project
    job: str  # module of grader.sandbox that executes it
    check_modules: tuple[str, ...]
    artifacts: Any  # class wrapping the job's output for the checks
    job_options: dict[str, Any] = field(default_factory=dict)
    required: str = "dbt_project.yml"  # in the project folder: without it there is nothing to grade
    notebook: str | None = None  # the lab notebook whose nbgrader cells are autograded
    services: tuple[str, ...] = ()  # servers the runner starts beside the job ("postgres")
    container_services: tuple[str, ...] = ()  # ... only with --isolation container (locally: the embedded default)
    timeout_s: float = 600.0


class UnknownLab(ValueError):
    pass


def resolve_lab_id(name: str) -> str:
    """``01`` or ``01_dbt_models`` -> ``01_dbt_models``."""
    for lab_id in LAB_MODULES:
        if name == lab_id or name == lab_id[:2]:
            return lab_id
    raise UnknownLab(f"unknown lab {name!r}; choose one of: {', '.join(LAB_MODULES)} (or 01..06, or all)")


def load_spec(lab_id: str) -> LabSpec | None:
    module = LAB_MODULES[lab_id]
    return importlib.import_module(module).SPEC if module else None
