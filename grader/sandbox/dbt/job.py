"""The state a dbt job's steps share: the staged project, the job's folders, dbt itself."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.sandbox.dbt.runner import Dbt, contain_python_models, skip_stack_walks
from grader.sandbox.engine import JobState
from grader.sandbox.side_process import ForkedChild


@dataclass
class DbtJob(JobState):
    dbt: Dbt | None = None  # made by the profile step, once the project's profile name is known
    profile: str = ""
    second_build: ForkedChild | None = None  # the PostgreSQL build, running beside this one

    @property
    def warehouse(self) -> Path:
        return self.work / "warehouse.duckdb"

    @property
    def data_dir(self) -> Path:
        return self.work / "data"

    @classmethod
    def start(cls, plan: dict[str, Any]) -> DbtJob:
        job = cls(*JobState.folders(plan))
        contain_python_models()
        skip_stack_walks()
        prefix = plan["env_prefix"]
        # the learner's profile reads these, exactly as the notebook sets them
        os.environ.update(
            {
                f"{prefix}_RAW_DIR": str(job.data_dir / "raw"),
                f"{prefix}_DUCKDB_PATH": str(job.warehouse),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "DO_NOT_TRACK": "1",
            }
        )
        return job

    def require_dbt(self) -> Dbt:
        if self.dbt is None:
            raise RuntimeError("a dbt step ran before the profile step: list 'profile' first in the lab's steps")
        return self.dbt
