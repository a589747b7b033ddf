"""Fernhill's own Airflow parts: a hook for the supplier API, an operator, a notifier, macros.

Airflow puts plugins/ on sys.path, so DAG files import them as `from fernhill_tools.hooks import ...`.
"""
