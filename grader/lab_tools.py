"""Helpers the lab notebooks call: set up the data, run dbt, query, draw the lineage.

Kept small on purpose: a learner should see plain dbt commands, not a framework. Every helper
prints the command it runs.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from grader.datagen import generate
from grader.datagen.load import load_duckdb, load_postgres
from grader.services import EmbeddedPostgres

PROJECT = "warehouse"


def lab_paths(lab_dir: str | Path = ".") -> dict[str, Path]:
    lab = Path(lab_dir).resolve()
    return {"lab": lab, "project": lab / PROJECT, "data": lab / "data", "warehouse": lab / "data" / "fernhill.duckdb"}


def setup(
    lab_dir: str | Path = ".", *, seed: int = 42, scale: float = 1.0, dataset: Callable[..., Any] = generate
) -> dict[str, Path]:
    """Generate the raw files, load them into a fresh DuckDB warehouse, point dbt at both.

    This is the extract & load step of ELT: it happens before dbt, which only transforms.
    ``dataset`` is the generator (lab 02 passes its own: the shop with quiet days and edge visits).
    """
    paths = lab_paths(lab_dir)
    paths["warehouse"].unlink(missing_ok=True)
    dataset(seed=seed, scale=scale).write(paths["data"])
    loaded = load_duckdb(paths["warehouse"], paths["data"] / "raw")
    os.environ["FERNHILL_RAW_DIR"] = str(paths["data"] / "raw")
    os.environ["FERNHILL_DUCKDB_PATH"] = str(paths["warehouse"])
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    print(
        f"loaded {sum(loaded.values())} rows into {paths['warehouse'].name}: "
        + ", ".join(f"raw.{t} ({n})" for t, n in loaded.items())
    )
    return paths


def load_batch_2(lab_dir: str | Path = ".") -> None:
    """The loader's next run: late-arriving orders and status changes appended to raw."""
    paths = lab_paths(lab_dir)
    loaded = load_duckdb(paths["warehouse"], paths["data"] / "batch_2", append=True)
    print("appended " + ", ".join(f"{n} rows to raw.{t}" for t, n in loaded.items()))


_postgres: EmbeddedPostgres | None = None


def start_postgres(lab_dir: str | Path = ".") -> dict[str, object]:
    """A throwaway PostgreSQL server (no Docker: the `pgserver` wheel), loaded with the same raw data.

    Both batches are loaded, as the DuckDB warehouse has them by now. FERNHILL_PG_* point at the
    server, so the profile's `pg` target finds it. The server stops when the notebook's kernel does
    (its watchdog stops it when the kernel is killed).
    """
    global _postgres
    paths = lab_paths(lab_dir)
    if _postgres is None:
        _postgres = EmbeddedPostgres().start()
    conn = _postgres.connection_kwargs()
    loaded = load_postgres(conn, paths["data"] / "raw")
    if (paths["data"] / "batch_2").exists():
        load_postgres(conn, paths["data"] / "batch_2", append=True)
    os.environ.update({f"FERNHILL_PG_{key.upper()}": str(value) for key, value in conn.items()})
    print(f"PostgreSQL is up (socket in {conn['host']}); loaded {sum(loaded.values())} rows into raw and reference")
    return conn


def pg_sql(query: str, connection: dict[str, Any] | None = None):
    """Run SQL on a PostgreSQL server (start_postgres()'s unless ``connection`` names another) and
    return what it selects as a DataFrame (empty for a statement that selects nothing); committed."""
    import pandas as pd
    import psycopg2

    if connection is None:
        if _postgres is None:
            raise RuntimeError("start PostgreSQL first: start_postgres()")
        connection = _postgres.connection_kwargs()
    con = psycopg2.connect(**connection)
    try:
        with con, con.cursor() as cur:  # the connection's block commits
            cur.execute(query)
            if cur.description is None:
                return pd.DataFrame()
            return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])
    finally:
        con.close()


_warm: dict[str, Any] = {}


def _dbt_command() -> str:
    """The ``dbt`` to run: a client of a dbt server this kernel starts once (grader/sandbox/dbt_server.py).

    Each command is still dbt's own command line, with its output and exit code, but dbt is
    imported once per notebook instead of once per cell: 2-3 s less per command. When the
    server is not up (yet), the client runs the installed dbt itself.
    """
    if "client" not in _warm:
        from grader.sandbox.dbt_server import start_warm_dbt

        folder = Path(tempfile.mkdtemp(prefix="dbt-"))
        _warm["server"] = start_warm_dbt(folder / "bin", folder / "server.log", wait_s=30)
        _warm["client"] = folder / "bin" / "dbt"
    return str(_warm["client"])


def dbt(*args: str, lab_dir: str | Path = ".", check: bool = True, tail: int = 25) -> subprocess.CompletedProcess:
    """Run ``dbt ARGS`` in the lab's project with its own profiles.yml; show the last lines."""
    project = lab_paths(lab_dir)["project"]
    cmd = [_dbt_command(), *args, "--profiles-dir", "."]
    print("$ dbt " + " ".join(shlex.quote(a) for a in args))
    done = subprocess.run(cmd, cwd=project, capture_output=True, text=True, check=False)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    print("\n".join(lines[-tail:]))
    if check and done.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed (exit {done.returncode}); read the lines above")
    return done


def sql(query: str, lab_dir: str | Path = "."):
    """Run a query on the warehouse (read-only) and return a DataFrame."""
    con = duckdb.connect(str(lab_paths(lab_dir)["warehouse"]), read_only=True)
    try:
        return con.execute(query).df()
    finally:
        con.close()


def lineage_edges(manifest_path: str | Path) -> list[tuple[str, str]]:
    """(parent, child) pairs between sources, seeds and models, read from manifest.json."""
    manifest = json.loads(Path(manifest_path).read_text())
    keep = ("model.", "seed.", "source.")
    edges = []
    for node_id, node in manifest["nodes"].items():
        if not node_id.startswith(("model.", "seed.")) or node["package_name"] != manifest["metadata"]["project_name"]:
            continue
        # seeds carry depends_on without "nodes": they have no parents
        edges += [(parent, node_id) for parent in node["depends_on"].get("nodes", []) if parent.startswith(keep)]
    return sorted(edges)


def lineage_layers(edges: list[tuple[str, str]]) -> dict[str, int]:
    """Column of each node: sources and seeds at 0, every other node one right of its furthest parent."""
    parents: dict[str, list[str]] = {}
    for parent, child in edges:
        parents.setdefault(child, []).append(parent)
        parents.setdefault(parent, [])
    layers: dict[str, int] = {}

    def layer(node: str) -> int:
        if node not in layers:
            layers[node] = 1 + max((layer(p) for p in parents[node]), default=-1)
        return layers[node]

    for node in parents:
        layer(node)
    return layers


def _kind(node_id: str) -> str:
    name = node_id.split(".")[-1]
    if node_id.startswith("source."):
        return "source"
    if node_id.startswith("seed."):
        return "seed"
    return "staging" if name.startswith("stg_") else "intermediate" if name.startswith("int_") else "mart"


COLOURS = {"source": "#d9ead3", "seed": "#d0e0e3", "staging": "#cfe2f3", "intermediate": "#fff2cc", "mart": "#f4cccc"}


def draw_lineage(manifest_path: str | Path, out: str | Path | None = None):
    """Draw the lineage graph left to right, coloured by layer (source, seed, staging, intermediate, mart)."""
    edges = lineage_edges(manifest_path)
    nodes = sorted(lineage_layers(edges), key=lambda n: (_kind(n), n))
    labels = {n: ".".join(n.split(".")[-2:]) if n.startswith("source.") else n.split(".")[-1] for n in nodes}
    return draw_layered(edges, nodes, labels, {n: _kind(n) for n in nodes}, COLOURS, out=out, gap=2.2, row=0.6)


def draw_layered(
    edges: list[tuple[str, str]],
    nodes: list[str],
    labels: dict[str, str],
    kinds: dict[str, str],
    colours: dict[str, str],
    *,
    title: str = "",
    out: str | Path | None = None,
    gap: float = 2.4,
    row: float = 0.9,
):
    """A graph drawn left to right in layers (each node one column right of its furthest parent),
    boxes coloured by kind, with a legend. The lineage and the DAG pictures both use it."""
    import matplotlib

    if out is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    layers = {n: 0 for n in nodes} | lineage_layers(edges)
    columns: dict[int, list[str]] = {}
    for node in nodes:
        columns.setdefault(layers[node], []).append(node)
    # each column in the order of its parents' rows (their mean), so that arrows cross less
    parents: dict[str, list[str]] = {}
    for parent, child in edges:
        parents.setdefault(child, []).append(parent)
    rank: dict[str, float] = {}
    for column in sorted(columns):
        members = columns[column]
        if column:
            members.sort(
                key=lambda n: (sum(rank.get(p, 0) for p in parents.get(n, [])) / max(len(parents.get(n, [])), 1), n)
            )
        rank.update({n: i - (len(members) - 1) / 2 for i, n in enumerate(members)})
    tallest = max((len(m) for m in columns.values()), default=1)
    position = {n: (gap * x, -(i - (len(m) - 1) / 2)) for x, m in columns.items() for i, n in enumerate(m)}
    fig, ax = plt.subplots(figsize=(2.6 * len(columns) + 1, row * tallest + 1.8))
    for parent, child in edges:
        (x1, y1), (x2, y2) = position[parent], position[child]
        ax.annotate(
            "",
            xy=(x2 - gap * 0.35, y2),
            xytext=(x1 + gap * 0.35, y1),
            arrowprops={"arrowstyle": "->", "color": "#888", "lw": 0.8, "shrinkA": 0, "shrinkB": 0},
        )
    for node, (x, y) in position.items():
        ax.text(
            x,
            y,
            labels[node],
            ha="center",
            va="center",
            fontsize=8,
            bbox={"boxstyle": "round", "fc": colours[kinds[node]], "ec": "#555"},
        )
    shown = {k: c for k, c in colours.items() if k in set(kinds.values())}  # the legend: kinds in this graph
    ax.set_xlim(-gap / 2 - 0.1, gap * (len(columns) - 1) + gap / 2 + 0.1)
    ax.set_ylim(-tallest / 2 - 0.5, tallest / 2 + 0.5)
    ax.legend(
        handles=[Patch(fc=c, ec="#555", label=k) for k, c in shown.items()],
        loc="upper center",
        bbox_to_anchor=(0.5, 1.1),
        ncol=len(shown),
        frameon=False,
        fontsize=8,
    )
    if title:
        ax.set_title(title, pad=28)
    ax.axis("off")
    fig.tight_layout()
    if out is not None:
        fig.savefig(out, dpi=110)
    return fig
