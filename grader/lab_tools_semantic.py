"""Helpers of lab 02's notebook: the lab's data, the ``mf`` command, requests answered in-process, the graph.

``request(...)`` is the lab's local stand-in for the dbt Cloud Semantic Layer API: it takes what a
BI tool would send ({metrics, group_by, where, order_by, limit, compile}, or a saved query) and
answers with the SQL MetricFlow wrote and the rows, through MetricFlow's own Python engine. The
JDBC and GraphQL endpoints themselves are dbt Cloud features; nothing here pretends to be them.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from grader.datagen.semantic import generate_semantic
from grader.lab_tools import COLOURS, draw_layered, lab_paths, setup
from grader.sandbox.extensions.metric_queries import answer, engine


def setup_semantic(lab_dir: str | Path = ".", *, seed: int = 42) -> dict[str, Path]:
    """Generate the shop's raw files (with lab 02's quiet days and edge visits), load them, point dbt at them."""
    return setup(lab_dir, seed=seed, dataset=generate_semantic)


def mf(*args: str, lab_dir: str | Path = ".", check: bool = True, tail: int = 40) -> subprocess.CompletedProcess:
    """Run MetricFlow's command line (``mf ARGS``) in the project, with its profiles.yml; show the last lines.

    Remember: ``mf`` never parses the project. It reads target/semantic_manifest.json, which only
    ``dbt parse`` (or build) rewrites: run dbt first after every YAML change.
    """
    project = lab_paths(lab_dir)["project"]
    command = Path(sys.executable).parent / "mf"
    print("$ mf " + " ".join(shlex.quote(a) for a in args))
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "DO_NOT_TRACK": "1"}
    done = subprocess.run([str(command), *args], cwd=project, env=env, capture_output=True, text=True, check=False)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    print("\n".join(lines[-tail:]))
    if check and done.returncode != 0:
        raise RuntimeError(f"mf {' '.join(args)} failed (exit {done.returncode}); read the lines above")
    return done


def request(lab_dir: str | Path = ".", **body: Any) -> dict[str, Any]:
    """Answer one BI-tool request through MetricFlow's engine, the way the Semantic Layer API would.

    ``request(metrics=["revenue"], group_by=["metric_time__month"], order_by=["metric_time__month"])``
    returns {"sql", "columns", "rows"} (or {"sql"} with ``compile=True``, or {"error"}). The engine
    opens the warehouse read-only for this one request, so dbt can write to it again afterwards.
    """
    paths = lab_paths(lab_dir)
    manifest = paths["project"] / "target" / "semantic_manifest.json"
    if not manifest.exists():
        raise RuntimeError("no target/semantic_manifest.json yet: run dbt('parse') first")
    mf_engine = engine(manifest, paths["warehouse"])
    try:
        return answer(mf_engine, body)
    finally:
        mf_engine._sql_client.close()


def query(lab_dir: str | Path = ".", **body: Any):
    """``request(...)`` as a DataFrame (MetricFlow's error raised as one, in its own words)."""
    import pandas as pd

    found = request(lab_dir, **body)
    if "error" in found:
        raise RuntimeError(found["error"])
    return pd.DataFrame(found["rows"], columns=found["columns"])


def semantic_graph(lab_dir: str | Path = ".") -> tuple[list[str], list[tuple[str, str, str]]]:
    """Semantic models, and (from, to, entity) for each join MetricFlow can make: a foreign entity to the
    model where that entity is primary, unique or natural."""
    manifest = json.loads((lab_paths(lab_dir)["project"] / "target" / "semantic_manifest.json").read_text())
    models = manifest["semantic_models"]
    owner = {
        e["name"]: m["name"] for m in models for e in m["entities"] if e["type"] in ("primary", "unique", "natural")
    }
    joins = [
        (m["name"], owner[e["name"]], e["name"])
        for m in models
        for e in m["entities"]
        if e["type"] == "foreign" and e["name"] in owner and owner[e["name"]] != m["name"]
    ]
    return sorted(m["name"] for m in models), joins


def draw_semantic_graph(lab_dir: str | Path = ".", out: str | Path | None = None):
    """Draw the semantic models as boxes and the entities they can be joined on as arrows (foreign -> primary)."""
    names, joins = semantic_graph(lab_dir)
    edges = sorted({(a, b) for a, b, _ in joins})
    labels = {n: n for n in names}
    for _, b, entity in joins:  # name the entity on the joined model's box
        labels[b] = labels[b] if f"[{entity}]" in labels[b] else f"{labels[b]} [{entity}]"
    kinds = {n: "mart" for n in names}
    return draw_layered(
        edges, names, labels, kinds, {"mart": COLOURS["mart"]}, title="Semantic models, joined on entities", out=out
    )
