"""A sandbox job as a table of named steps: the engine runs the steps the lab's plan lists, in order.

An engine (``grader/sandbox/dbt/``, ``grader/sandbox/airflow/``) is a job state and a table of
step functions ``step(job, options, recorder)``. A lab's plan lists the steps it needs, with their
options, the way nbgrader lists preprocessors; lab-specific steps come from the extension modules
the plan names (``grader/sandbox/extensions/``), each exporting a ``STEPS`` table of its own. No
central switch knows which lab is running.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.sandbox.recorder import Recorder

Step = Callable[[Any, dict[str, Any], Recorder], None]


@dataclass
class JobState:
    """What every engine's job state starts from: the plan and its three folders."""

    plan: dict[str, Any]
    project: Path  # the staged copy of the learner's project
    work: Path  # the job's scratch folder
    out: Path  # what the host reads back

    @staticmethod
    def folders(plan: dict[str, Any]) -> tuple[dict[str, Any], Path, Path, Path]:
        return plan, Path(plan["project_dir"]), Path(plan["work_dir"]), Path(plan["out_dir"])


def step_entries(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's steps as dicts: ``"parse"`` -> ``{"step": "parse"}``."""
    return [{"step": entry} if isinstance(entry, str) else dict(entry) for entry in plan["steps"]]


def step_table(core: dict[str, Step], extensions: list[str]) -> dict[str, Step]:
    """The engine's own steps, plus those of the extension modules the plan names."""
    table = dict(core)
    for name in extensions:
        module = importlib.import_module(f"grader.sandbox.extensions.{name}")
        clash = sorted(set(table) & set(module.STEPS))
        if clash:
            raise ValueError(f"extension {name} redefines the step(s) {clash}")
        table.update(module.STEPS)
    return table


def run_steps(table: dict[str, Step], job: Any, plan: dict[str, Any], rec: Recorder) -> None:
    """Each listed step in order; a step records itself (``rec.step``) and may raise NotGradable to stop."""
    entries = step_entries(plan)
    unknown = [e["step"] for e in entries if e["step"] not in table]
    if unknown:  # a lab spec naming a step no engine has is the grader's own mistake
        raise ValueError(f"no step(s) {unknown} in this engine; it has {sorted(table)}")
    for entry in entries:
        table[entry["step"]](job, {k: v for k, v in entry.items() if k != "step"}, rec)
