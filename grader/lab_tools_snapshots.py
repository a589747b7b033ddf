"""Helpers the lab 03 notebook calls: the daily extracts, one day at a time, and history pictures.

Like grader.lab_tools (which it builds on: ``dbt(...)`` and ``sql(...)`` come from there), every
helper prints what it does. The extracts are those the grader replays (grader/datagen/snapshots.py),
with the notebook's own seed.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from grader.datagen.load import load_duckdb
from grader.datagen.snapshots import DAYS, STORIES, generate_days, snapshot_times
from grader.lab_tools import dbt, lab_paths, sql

__all__ = ["DAYS", "STORIES", "dbt", "draw_history", "load_day", "night", "run_time", "setup_days", "sql"]


def run_time(day: int) -> str:
    """When the nightly snapshot of ``day`` runs (UTC), as text dbt's --vars takes."""
    return f"{snapshot_times(DAYS)[day - 1]:%Y-%m-%d %H:%M:%S}"


def night(day: int) -> list[str]:
    """dbt's arguments that stamp a run as the nightly run of ``day`` (macros/_snapshot_clock.sql).

    ``dbt("snapshot", *night(2))`` runs ``dbt snapshot --vars "{snapshot_run_time: '2025-08-02 06:00:00'}"``.
    """
    return ["--vars", f"{{snapshot_run_time: '{run_time(day)}'}}"]


def setup_days(lab_dir: str | Path = ".", *, seed: int = 42) -> dict[str, Path]:
    """Write the six daily extracts under data/, load day 1 into a fresh warehouse, point dbt at it."""
    paths = lab_paths(lab_dir)
    paths["warehouse"].unlink(missing_ok=True)
    generate_days(seed).write(paths["data"])
    loaded = load_duckdb(paths["warehouse"], paths["data"] / "raw")
    os.environ["FERNHILL_DUCKDB_PATH"] = str(paths["warehouse"])
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    print(f"day 1 loaded into {paths['warehouse'].name}: " + ", ".join(f"raw.{t} ({n})" for t, n in loaded.items()))
    return paths


def load_day(day: int, lab_dir: str | Path = ".") -> None:
    """The loader's run of ``day``: the raw tables are replaced by that day's full extract."""
    paths = lab_paths(lab_dir)
    folder = paths["data"] / ("raw" if day == 1 else f"day_{day}")
    loaded = load_duckdb(paths["warehouse"], folder)
    print(
        f"day {day} loaded (replacing yesterday's extract): " + ", ".join(f"raw.{t} ({n})" for t, n in loaded.items())
    )


def draw_history(
    relation: str,
    key: str,
    keys: list[int],
    *,
    label: str = "",
    lab_dir: str | Path = ".",
    out: str | Path | None = None,
):
    """Each key's versions as bars on a time axis: where a bar ends the next version starts.

    ``relation`` is a table, with its schema or without (``orders_snapshot`` is looked up). An open
    version (``dbt_valid_to`` null, or the far-future ``dbt_valid_to_current``) runs to the right
    edge; a deleted record (``dbt_is_deleted = 'True'``) is hatched; versions of one key that
    overlap are drawn one under the other. ``label`` names a column printed on each bar. The axis
    is August 2025, the nightly runs dotted; it stretches to any stamp outside (a run without
    ``night(day)`` is stamped with the wall clock).
    """
    import matplotlib

    if out is not None:
        matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    relation = _qualified(relation, lab_dir)
    columns = sql(f"select * from {relation} limit 0", lab_dir).columns
    deleted = "dbt_is_deleted = 'True'" if "dbt_is_deleted" in columns else "false"
    rows = sql(
        f"select {key} as key, dbt_valid_from as valid_from, {_OPEN_END} as valid_to,"
        f" {deleted} as deleted, cast({label or key} as varchar) as label"
        f" from {relation} where {key} in ({', '.join(str(k) for k in keys)}) order by 1, 2, 3",
        lab_dir,
    )
    nightly = [t.replace(tzinfo=None) for t in snapshot_times(DAYS)]
    stamps = [*rows["valid_from"], *rows["valid_to"].dropna(), *nightly]
    low, high = min(stamps) - timedelta(hours=6), max(stamps) + timedelta(hours=12)

    fig, ax = plt.subplots(figsize=(11, 0.6 * len(keys) + 1.6), layout="constrained")
    for row, (lane, count) in zip(rows.itertuples(), _lanes(rows), strict=True):
        stop = row.valid_to if row.valid_to == row.valid_to else high  # NaT: still open
        height = 0.55 / count
        y = keys.index(row.key) - 0.275 + height * (lane + 0.5)
        ax.barh(
            y,
            mdates.date2num(stop) - mdates.date2num(row.valid_from),
            left=mdates.date2num(row.valid_from),
            height=height * 0.9,
            color="#ddd" if row.deleted else "#9ecae1",
            edgecolor="#555",
            hatch="//" if row.deleted else None,
        )
        text = "deleted" if row.deleted else str(row.label)
        if _fits(ax, text, (stop - row.valid_from) / (high - low)):
            ax.annotate(
                text,
                (mdates.date2num(row.valid_from), y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8 if count == 1 else 7,
            )
    for t in nightly:
        ax.axvline(mdates.date2num(t), color="#999", lw=0.7, ls=":")
    ax.set_xlim(mdates.date2num(low), mdates.date2num(high))
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-(high - low).days // 8))))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.set_title("dotted: the nightly runs, 1 to 6 August 2025 at 06:00 UTC", fontsize=9, loc="left")
    ax.set_yticks(range(len(keys)), [str(k) for k in keys])
    ax.set_ylim(len(keys) - 0.5, -0.5)
    ax.set_ylabel(key)
    handles = [Patch(fc="#9ecae1", ec="#555", label="version")]
    if rows["deleted"].any():
        handles.append(Patch(fc="#ddd", ec="#555", hatch="//", label="deleted record"))
    fig.legend(handles=handles, loc="outside upper right", ncol=len(handles), fontsize=8, frameon=False)
    fig.suptitle(f"{relation}: one bar per version", fontsize=11, x=0.02, ha="left")
    if out is not None:
        fig.savefig(out, dpi=110)
    return fig


# dbt_valid_to as the picture reads it: null both when open and when dbt_valid_to_current is set
_OPEN_END = "case when dbt_valid_to < timestamp '9000-01-01' then dbt_valid_to end"


def _qualified(relation: str, lab_dir: str | Path) -> str:
    """``schema.table`` for a bare table name (dbt puts the snapshots in ``main_snapshots``)."""
    if "." in relation:
        return relation
    found = sql(
        f"select table_schema from information_schema.tables where table_name = '{relation}' order by 1",
        lab_dir,
    )["table_schema"].tolist()
    if not found:
        raise ValueError(f"no table {relation} in the warehouse: has it been built?")
    return f"{found[0]}.{relation}"


def _lanes(rows) -> list[tuple[int, int]]:
    """(lane, lanes of its key) per row: a version that starts before an earlier one ends goes one lane down."""
    lane_of: list[tuple[object, int]] = []
    ends: dict[object, list] = {}
    for row in rows.itertuples():
        taken = ends.setdefault(row.key, [])
        free = [i for i, end in enumerate(taken) if end == end and end <= row.valid_from]  # NaT: still open
        lane = free[0] if free else len(taken)
        taken[lane : lane + 1] = [row.valid_to]
        lane_of.append((row.key, lane))
    return [(lane, len(ends[key])) for key, lane in lane_of]


def _fits(ax, text: str, share: float) -> bool:
    """Whether a label fits on a bar that takes ``share`` of the panel's width (about 5 points a character)."""
    inches = ax.get_position().width * ax.figure.get_figwidth() * share
    return inches * 72 >= 5 * len(text) + 4
