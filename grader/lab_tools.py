"""Helpers the lab notebooks call: set up the data, run dbt, query, draw the lineage.

Kept small on purpose: a learner should see plain dbt commands, not a framework. Every helper
prints the command it runs.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import duckdb

from grader.datagen import generate
from grader.datagen.load import load_duckdb

PROJECT = "warehouse"


def lab_paths(lab_dir: str | Path = ".") -> dict[str, Path]:
    lab = Path(lab_dir).resolve()
    return {"lab": lab, "project": lab / PROJECT, "data": lab / "data", "warehouse": lab / "data" / "fernhill.duckdb"}


def setup(lab_dir: str | Path = ".", *, seed: int = 42, scale: float = 1.0) -> dict[str, Path]:
    """Generate the raw files, load them into a fresh DuckDB warehouse, point dbt at both.

    This is the extract & load step of ELT: it happens before dbt, which only transforms.
    """
    paths = lab_paths(lab_dir)
    paths["warehouse"].unlink(missing_ok=True)
    generate(seed=seed, scale=scale).write(paths["data"])
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


def dbt(*args: str, lab_dir: str | Path = ".", check: bool = True, tail: int = 25) -> subprocess.CompletedProcess:
    """Run ``dbt ARGS`` in the lab's project with its own profiles.yml; show the last lines."""
    project = lab_paths(lab_dir)["project"]
    cmd = [str(Path(sys.executable).with_name("dbt")), *args, "--profiles-dir", "."]
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
        edges += [(parent, node_id) for parent in node["depends_on"]["nodes"] if parent.startswith(keep)]
    return sorted(edges)


def draw_lineage(manifest_path: str | Path, out: str | Path | None = None):
    """Draw the lineage graph in layers: sources and seeds, staging, intermediate, marts."""
    import matplotlib

    if out is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    edges = lineage_edges(manifest_path)
    nodes = sorted({n for edge in edges for n in edge})

    def layer(node_id: str) -> int:
        name = node_id.split(".")[-1]
        if node_id.startswith(("source.", "seed.")):
            return 0
        return 1 if name.startswith("stg_") else 2 if name.startswith("int_") else 3

    columns: dict[int, list[str]] = {}
    for node in nodes:
        columns.setdefault(layer(node), []).append(node)
    position = {n: (x, -i) for x, members in columns.items() for i, n in enumerate(members)}
    fig, ax = plt.subplots(figsize=(13, 0.55 * max(len(m) for m in columns.values()) + 1.5))
    colours = {0: "#d9ead3", 1: "#cfe2f3", 2: "#fff2cc", 3: "#f4cccc"}
    for parent, child in edges:
        (x1, y1), (x2, y2) = position[parent], position[child]
        ax.annotate(
            "", xy=(x2 - 0.32, y2), xytext=(x1 + 0.32, y1), arrowprops={"arrowstyle": "->", "color": "#777", "lw": 0.8}
        )
    for node, (x, y) in position.items():
        label = ".".join(node.split(".")[-2:]) if node.startswith("source.") else node.split(".")[-1]
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=8,
            bbox={"boxstyle": "round", "fc": colours[layer(node)], "ec": "#555"},
        )
    for x, title in enumerate(["sources & seeds", "staging", "intermediate", "marts"]):
        ax.text(x, 1, title, ha="center", fontsize=10, fontweight="bold")
    ax.set_xlim(-0.6, 3.6)
    ax.axis("off")
    fig.tight_layout()
    if out is not None:
        fig.savefig(out, dpi=110)
    return fig
