"""What every runner returns, and how it says the machine cannot run jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class RunnerUnavailable(RuntimeError):
    """The runner cannot start jobs here (no Docker engine, image missing): an infrastructure error."""


@dataclass(frozen=True)
class JobOutcome:
    exit_code: int | None
    timed_out: bool
    duration_s: float
    out_dir: Path
    output_tail: str  # last lines of the job's own output, for error reports
    note: str = ""  # what the runner saw happen, in words (out of memory, say)

    @property
    def finished(self) -> bool:
        return not self.timed_out and self.exit_code == 0


class Runner(Protocol):
    name: str

    def run(
        self, plan: dict[str, Any], work_dir: Path, *, timeout_s: float, on_progress: Callable[[str], None]
    ) -> JobOutcome: ...
