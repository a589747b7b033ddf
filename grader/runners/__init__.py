"""Runners execute a sandbox job: ``local`` (a subprocess) and, later, ``container``."""

from __future__ import annotations

from grader.runners.base import JobOutcome, Runner, RunnerUnavailable


def get_runner(isolation: str) -> Runner:
    if isolation == "local":
        from grader.runners.local import LocalRunner

        return LocalRunner()
    if isolation == "container":
        from grader.runners.container import ContainerRunner

        return ContainerRunner()
    raise RunnerUnavailable(
        f"isolation {isolation!r} is not available in this version of the grader; use --isolation local"
    )


__all__ = ["JobOutcome", "Runner", "RunnerUnavailable", "get_runner"]
