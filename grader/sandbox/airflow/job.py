"""The state an Airflow job's steps share: the staged lab, Airflow's home, the parsed DAGs, the services."""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.sandbox.airflow.environment import airflow_environment, lab_variables
from grader.sandbox.engine import JobState
from grader.sandbox.recorder import NotGradable


@dataclass
class AirflowJob(JobState):
    bag: Any = None  # the DagBag, once the parse step ran
    data: Any = None  # the generated dataset, once the data step ran
    # what extensions put here for the core steps: "standin" (the outside services a run
    # talks to), "warehouse" (the state a dbt DAG's run leaves)
    services: dict[str, Any] = field(default_factory=dict)

    @property
    def dags_dir(self) -> Path:
        return self.project / "dags"

    @property
    def home(self) -> Path:
        return self.work / "airflow"

    @property
    def dags_link(self) -> Path:
        return self.work / "dags_current"

    @property
    def raw_dir(self) -> Path:
        return self.work / "data" / "raw"

    @property
    def prefix(self) -> str:
        return str(self.plan["airflow_env"])

    @classmethod
    def start(cls, plan: dict[str, Any]) -> AirflowJob:
        job = cls(*JobState.folders(plan))
        if not job.dags_dir.is_dir():
            raise NotGradable(f"No dags/ folder in {job.project.name}/: there are no DAGs to grade.")
        job.home.mkdir(parents=True, exist_ok=True)
        # Airflow reads its DAGs folder once, at import; a symlink lets a later step (the learner's
        # tests) point it at the grader's copies of the pipeline
        job.dags_link.symlink_to(job.dags_dir.resolve(), target_is_directory=True)
        os.environ.update(airflow_environment(job.home, job.dags_link, job.project / "plugins", log_level="CRITICAL"))
        os.environ.update(
            {
                "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": str(plan.get("import_timeout_s", 20)),
                f"{job.prefix}_ALERTS_FILE": str(job.work / "alerts.jsonl"),
            }
        )
        # include/ is importable as the course teaches: `from include.fernhill import orders`
        sys.path.insert(0, str(job.project))
        warnings.filterwarnings("ignore")
        return job

    def set_variables(self, raw_dir: Path, out_dir: Path) -> None:
        os.environ.update(lab_variables(self.prefix, raw_dir, out_dir))
