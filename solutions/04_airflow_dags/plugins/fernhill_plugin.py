"""The plugin Airflow loads from plugins/: it registers Fernhill's macros under `macros.fernhill`.

Operators and hooks need no registration since Airflow 2: they are plain Python classes that DAG
files import from plugins/ (on sys.path). Macros, timetables and listeners still come through
an AirflowPlugin.
"""

from airflow.plugins_manager import AirflowPlugin

from fernhill_tools.macros import iso_week


class FernhillPlugin(AirflowPlugin):
    name = "fernhill"
    # BEGIN SOLUTION: macros: the list of functions templates reach as macros.fernhill.<name> (exercise 11.1)
    macros = [iso_week]  # noqa: RUF012 (the AirflowPlugin API)
    # END SOLUTION
