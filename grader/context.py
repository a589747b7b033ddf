"""What the grading pipeline's steps share: the context they fill in, and the Stop they raise.

Its own module, so the pipeline (which lists the steps) and the steps (which use the context)
never import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.labs import LabSpec
from grader.model import Status, TestResult
from grader.runners import Runner


class Stop(Exception):
    """Ends a grading run early: not gradable, or an infrastructure error, with a message for the learner."""

    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Context:
    spec: LabSpec
    workspace: Path
    isolation: str
    runner: Runner
    on_progress: Callable[[str], None]
    extra_check_modules: list[Any] = field(default_factory=list)
    label: str = ""  # how messages name the workspace (a cohort's alice.zip, not its scratch folder)
    work_dir: Path | None = None
    lab_dir: Path | None = None
    staged_lab: Path | None = None
    out_dir: Path | None = None
    artifacts: Any = None
    results: list[TestResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    job_steps: list[dict] = field(default_factory=list)
    work: dict[str, Any] | None = None  # the learner's lineage or DAGs, drawn on the feedback page
    job_options: dict[str, Any] = field(default_factory=dict)  # added to the job's plan by earlier steps
    options: dict[str, Any] = field(default_factory=dict)  # the lab's options, built when grading starts

    @property
    def shown_workspace(self) -> str:
        return self.label or str(self.workspace)
