"""The notebook helpers read the lineage from a manifest and draw it."""

from __future__ import annotations

import json
from pathlib import Path

from grader.lab_tools import draw_lineage, lineage_edges, lineage_layers


def tiny_manifest(path: Path) -> Path:
    def node(kind: str, name: str, parents: list[str]) -> dict:
        return {"package_name": "shop", "depends_on": {"nodes": parents}, "resource_type": kind, "name": name}

    nodes = {
        "model.shop.stg_orders": node("model", "stg_orders", ["source.shop.raw.orders"]),
        "model.shop.orders": node("model", "orders", ["model.shop.stg_orders", "seed.shop.countries"]),
        "model.shop.customers": node("model", "customers", ["model.shop.orders"]),
        "seed.shop.countries": {"package_name": "shop", "depends_on": {"macros": []}, "resource_type": "seed"},
        "test.shop.unique_orders": node("test", "unique_orders", ["model.shop.orders"]),
    }
    path.write_text(json.dumps({"metadata": {"project_name": "shop"}, "nodes": nodes}))
    return path


def test_lineage_edges_skip_tests(tmp_path: Path) -> None:
    """Edges join sources, seeds and models; tests are not part of the picture."""
    assert lineage_edges(tiny_manifest(tmp_path / "m.json")) == [
        ("model.shop.orders", "model.shop.customers"),
        ("model.shop.stg_orders", "model.shop.orders"),
        ("seed.shop.countries", "model.shop.orders"),
        ("source.shop.raw.orders", "model.shop.stg_orders"),
    ]


def test_lineage_picture_is_written(tmp_path: Path) -> None:
    """draw_lineage saves a PNG picture."""
    draw_lineage(tiny_manifest(tmp_path / "m.json"), out=tmp_path / "lineage.png")
    assert (tmp_path / "lineage.png").read_bytes()[:4] == b"\x89PNG"


def test_each_model_sits_right_of_its_furthest_parent(tmp_path: Path) -> None:
    """Layers follow the graph: a mart built on another mart gets its own column."""
    layers = lineage_layers(lineage_edges(tiny_manifest(tmp_path / "m.json")))
    assert layers == {
        "source.shop.raw.orders": 0,
        "seed.shop.countries": 0,
        "model.shop.stg_orders": 1,
        "model.shop.orders": 2,
        "model.shop.customers": 3,
    }
