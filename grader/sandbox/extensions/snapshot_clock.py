"""Lab 03's clock: every snapshot run of the job happens at the time the plan says, not now.

The check strategy and hard deletes stamp rows with ``snapshot_get_time()``, the warehouse's
clock (and local time on a non-UTC machine). A grading must give the same history on every run,
so the job adds one macro file to its staged copy of the learner's project: the root project's
``<adapter>__snapshot_get_time`` wins over the adapter's own (dbt's dispatch looks there first),
and returns ``var('grader_snapshot_time')`` when the step passes it, the real clock otherwise.
The learner's files are not touched; their notebook runs keep the real clock.
"""

from __future__ import annotations

from typing import Any

import yaml

from grader.sandbox.recorder import NotGradable, Recorder

CLOCK_FILE = "_grader_snapshot_clock.sql"

CLOCK = """{#- Written by the grader into its own copy of the project (grader/sandbox/extensions/snapshot_clock.py). -#}
{% macro duckdb__snapshot_get_time() -%}
    {%- if var("grader_snapshot_time", none) -%} cast('{{ var("grader_snapshot_time") }}' as timestamp)
    {%- else -%} cast(current_timestamp at time zone 'UTC' as timestamp) {%- endif -%}
{%- endmacro %}
{% macro postgres__snapshot_get_time() -%}
    {%- if var("grader_snapshot_time", none) -%} cast('{{ var("grader_snapshot_time") }}' as timestamp)
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
