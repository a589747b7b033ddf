"""Airflow's settings for a lab, as environment variables: the one place the job, the notebook helpers,
the benchmark and the lab's own test conftest take them from.

Airflow reads them when it is first imported, so they are set before anything touches Airflow.
"""

from __future__ import annotations

from pathlib import Path


def airflow_environment(home: Path, dags: Path, plugins: Path, *, log_level: str = "ERROR") -> dict[str, str]:
    """An Airflow home with a SQLite metadata DB, the lab's dags/ and plugins/, no example DAGs."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(plugins),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": log_level,
    }


def lab_variables(prefix: str, raw_dir: Path, out_dir: Path) -> dict[str, str]:
    """The Airflow Variables the lab's DAGs read (AIRFLOW_VAR_*): where the raw data is, where output goes."""
    return {f"AIRFLOW_VAR_{prefix}_RAW_DIR": str(raw_dir), f"AIRFLOW_VAR_{prefix}_OUT_DIR": str(out_dir)}
