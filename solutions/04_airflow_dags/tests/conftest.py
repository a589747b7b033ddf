"""What your DAG tests need: the lab's DAGs, the shop's data, and a way to run a DAG for a date.

Run them with `uv run pytest labs/04_airflow_dags/tests` from the repository root. Each session gets
a throwaway Airflow home (SQLite) and the shop's data (seed 42, the notebook's). When the grader
runs your tests it prepares all that itself (FERNHILL_TESTS_PREPARED), against its own copies of
the pipeline: a correct one and deliberately broken ones.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

LAB = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(LAB))  # `from include.fernhill import orders`, as in the DAG files

if not os.environ.get("FERNHILL_TESTS_PREPARED"):
    from grader.datagen import generate
    from grader.sandbox.airflow.environment import airflow_environment  # the settings the grader uses too

    _home = Path(tempfile.mkdtemp(prefix="airflow-tests-"))
    os.environ.update(airflow_environment(_home, LAB / "dags", LAB / "plugins", log_level="CRITICAL"))

    generate(seed=42).write(_home / "data")
    os.environ["FERNHILL_TEST_DATA"] = str(_home / "data" / "raw")


@pytest.fixture(scope="session")
def dagbag():
    """dags/ parsed as the dag-processor parses it."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(LAB / "dags"), safe_mode=False)


@pytest.fixture(scope="session")
def _airflow_db() -> None:
    if not os.environ.get("FERNHILL_TESTS_PREPARED"):
        from airflow.utils import db

        db.initdb()


@pytest.fixture
def run_dag(dagbag, _airflow_db, tmp_path):
    """run_dag(dag_id, logical_date) -> .state, .states {task_id: state}, .out_dir (where the run wrote)."""
    import pendulum
    from airflow.utils.session import create_session

    def run(dag_id: str, logical_date: str, *, raw_dir: str | None = None) -> SimpleNamespace:
        os.environ["AIRFLOW_VAR_FERNHILL_RAW_DIR"] = raw_dir or os.environ["FERNHILL_TEST_DATA"]
        os.environ["AIRFLOW_VAR_FERNHILL_OUT_DIR"] = str(tmp_path)
        dag = dagbag.dags[dag_id]
        for task in dag.tasks:
            task.retries = 0  # fail at once instead of waiting for the retry delay
        dag_run = dag.test(logical_date=pendulum.parse(logical_date))
        with create_session() as session:
            states = {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances(session=session)}
        return SimpleNamespace(state=str(dag_run.state), states=states, out_dir=tmp_path)

    return run
