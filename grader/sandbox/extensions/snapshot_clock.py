"""Lab 03's clock: every snapshot run of the job happens at the time the plan says, not now.

The check strategy and hard deletes stamp rows with ``snapshot_get_time()``, the warehouse's
clock (and local time on a non-UTC machine). A grading must give the same history on every run,
so the job writes the lab's clock macro into its staged copy of the learner's project, over the
project's own ``macros/_snapshot_clock.sql`` (the notebook replays past nights with the same
file): the root project's ``<adapter>__snapshot_get_time`` wins over the adapter's own (dbt's
dispatch looks there first) and returns ``var('snapshot_run_time')`` when a step passes it.
Whatever the learner did to that file, the grader's clock is the one that runs.
"""

from __future__ import annotations

from typing import Any

import yaml

from grader.sandbox.recorder import NotGradable, Recorder

CLOCK_FILE = "_snapshot_clock.sql"

# The same text as lab 03's warehouse/macros/_snapshot_clock.sql (tests/test_snapshot_clock.py keeps them equal).
CLOCK = """{#- The snapshot clock. dbt stamps check-strategy versions and hard deletes with
    snapshot_get_time(), the warehouse's clock. To replay past nights (the notebook, and the
    grader), pass the night's run time: dbt snapshot --vars "{snapshot_run_time: '2025-08-02 06:00:00'}".
    Without it, the clock is now, in UTC. The root project's <adapter>__snapshot_get_time wins over
    the adapter's own: dbt's dispatch looks in the root project first. -#}
{% macro duckdb__snapshot_get_time() -%}
    {%- if var("snapshot_run_time", none) -%} cast('{{ var("snapshot_run_time") }}' as timestamp)
    {%- else -%} cast(current_timestamp at time zone 'UTC' as timestamp) {%- endif -%}
{%- endmacro %}

{% macro postgres__snapshot_get_time() -%}
    {%- if var("snapshot_run_time", none) -%} cast('{{ var("snapshot_run_time") }}' as timestamp)
    {%- else -%} cast(current_timestamp at time zone 'UTC' as timestamp) {%- endif -%}
{%- endmacro %}
"""


def install(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    with rec.step("snapshot_clock", "Set the snapshot clock to each day's nightly run (06:00 UTC)"):
        folder = job.project / _first_macro_path(job.project)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CLOCK_FILE).write_text(CLOCK)


def _first_macro_path(project: Any) -> str:
    try:
        config = yaml.safe_load((project / "dbt_project.yml").read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise NotGradable(f"dbt_project.yml could not be read: {exc}") from exc
    paths = config.get("macro-paths") if isinstance(config, dict) else None
    if not isinstance(paths, list) or not paths or not isinstance(paths[0], str) or ".." in paths[0]:
        return "macros"
    return paths[0]


STEPS = {"snapshot_clock": install}
