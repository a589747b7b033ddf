"""Fernhill Market's business logic for the Airflow lab: plain Python, imported by the DAGs.

Keeping it here, not in the DAG files, makes it testable without Airflow and keeps the DAG files
cheap to parse (the dag-processor imports them every few seconds).
"""
