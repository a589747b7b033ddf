"""Helpers the lab 03 notebook calls: the daily extracts, one day at a time, and history pictures.

Like grader.lab_tools (which it builds on: ``dbt(...)`` and ``sql(...)`` come from there), every
helper prints what it does. The extracts are those the grader replays (grader/datagen/snapshots.py),
with the notebook's own seed.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from grader.datagen.load import load_duckdb
from grader.datagen.snapshots import DAYS, STORIES, generate_days, snapshot_times
from grader.lab_tools import dbt, lab_paths, sql

__all__ = ["DAYS", "STORIES", "dbt", "draw_history", "load_day", "run_time", "setup_days", "sql"]


def run_time(day: int) -> str:
    """When the nightly snapshot of ``day`` runs (UTC), as text dbt's --vars takes."""
    return f"{snapshot_times(DAYS)[day - 1]:%Y-%m-%d %H:%M:%S}"


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
    overlap are drawn one under the other. ``label`` names a column printed on each bar.

    Two clocks can meet in one history: the extracts' August 2025 (``updated_at``, and every stamp
    of a grader run) and the clock of the machine for the stamps a notebook run takes (the check
    strategy, hard deletes). A history with both gets two panels: August 2025 on the left, the
    notebook's runs on the right.
    """
    import matplotlib

    if out is not None:
        matplotlib.use("Agg")
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
    panels = _panels(rows, relation, lab_dir)
    fig, grid = plt.subplots(
        1,
        len(panels),
        sharey=True,
        squeeze=False,
        figsize=(11, 0.6 * len(keys) + 1.6),
        gridspec_kw={"width_ratios": [3, 2][: len(panels)]},
        layout="constrained",
    )
    engine: Any = fig.get_layout_engine()  # constrained: takes wspace
    engine.set(wspace=0.01)
    axes = list(grid[0])
    lanes = _lanes(rows)
    for ax, panel in zip(axes, panels, strict=True):
        _draw_panel(ax, panel, rows, lanes, keys)
    if len(axes) == 2:  # a broken axis: the two clocks are months apart
        axes[0].spines["right"].set_visible(False)
        axes[1].spines["left"].set_visible(False)
        axes[1].tick_params(axis="y", length=0)
        for ax, x in ((axes[0], 1), (axes[1], 0)):
            ax.plot([x, x], [0, 1], transform=ax.transAxes, color="#555", lw=1.5, ls=(0, (2, 2)), clip_on=False)
    axes[0].set_yticks(range(len(keys)), [str(k) for k in keys])
    axes[0].set_ylim(len(keys) - 0.5, -0.5)
    axes[0].set_ylabel(key)
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


def _panels(rows, relation: str, lab_dir: str | Path) -> list[tuple]:
    """(low, high, kind, run lines) per panel: August 2025, and the machine's clock if a stamp is on it."""
    nightly = [t.replace(tzinfo=None) for t in snapshot_times(DAYS)]
    cut = nightly[-1] + timedelta(days=1)  # later than this: a stamp of the machine's clock
    stamps = [*rows["valid_from"], *rows["valid_to"].dropna()]
    early = [t for t in stamps if t <= cut]
    late = [t for t in stamps if t > cut]
    panels = []
    if early or not late:
        low = min([*early, nightly[0]]) - timedelta(hours=6)
        panels.append((low, nightly[-1] + timedelta(hours=12), "extract", nightly))
    if late:
        runs = sql(
            f"select distinct stamp from (select dbt_valid_from as stamp from {relation}"
            f" union all select {_OPEN_END} from {relation}) where stamp > timestamp '{cut:%Y-%m-%d %H:%M:%S}'"
            " order by 1",
            lab_dir,
        )["stamp"].tolist()
        pad = max((max(late) - min(late)) * 0.08, timedelta(seconds=2))
        panels.append((min(late) - pad, max(late) + 3 * pad, "clock", runs))
    return panels


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


def _draw_panel(ax, panel: tuple, rows, lanes: list[tuple[int, int]], keys: list[int]) -> None:
    import matplotlib.dates as mdates

    low, high, kind, runs = panel
    for row, (lane, count) in zip(rows.itertuples(), lanes, strict=True):
        stop = row.valid_to if row.valid_to == row.valid_to else high
        left, right = max(row.valid_from, low), min(stop, high)
        if right <= left:
            continue
        height = 0.55 / count
        y = keys.index(row.key) - 0.275 + height * (lane + 0.5)
        ax.barh(
            y,
            mdates.date2num(right) - mdates.date2num(left),
            left=mdates.date2num(left),
            height=height * 0.9,
            color="#ddd" if row.deleted else "#9ecae1",
            edgecolor="#555",
            hatch="//" if row.deleted else None,
        )
        text = "deleted" if row.deleted else str(row.label)
        if low <= row.valid_from <= high and _fits(ax, text, (right - left) / (high - low)):
            ax.annotate(
                text,
                (mdates.date2num(row.valid_from), y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8 if count == 1 else 7,
                clip_on=True,
            )
    ax.set_xlim(mdates.date2num(low), mdates.date2num(high))
    for t in runs:
        ax.axvline(mdates.date2num(t), color="#999" if kind == "extract" else "#c66", lw=0.7, ls=":")
    if kind == "extract":
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-(high - low).days // 8))))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        ax.set_title("August 2025 (dotted: the nightly runs, 06:00 UTC)", fontsize=9)
    else:
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S"))
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        ax.set_title(f"this machine's clock, {low:%d %b %Y} (dotted: run stamps)", fontsize=9)


def _fits(ax, text: str, share: float) -> bool:
    """Whether a label fits on a bar that takes ``share`` of the panel's width (about 5 points a character)."""
    inches = ax.get_position().width * ax.figure.get_figwidth() * share
    return inches * 72 >= 5 * len(text) + 4
