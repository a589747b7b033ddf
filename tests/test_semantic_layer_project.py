"""Lab 02's engine on the notebook's data: MetricFlow answers requests in one process, with the shop's numbers.

The grading itself is tested in tests/test_lab_grading.py (solution, starter, fixtures). This
keeps the request flow the notebook teaches honest on seed 42: dbt builds the solution on
DuckDB, MetricFlow's engine (grader/sandbox/extensions/metric_queries.py) answers requests in one
process, and the figures equal those computed here from the raw CSVs, not through MetricFlow.
The released starter parses and holds no metric.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from grader.datagen.load import load_duckdb
from grader.datagen.semantic import generate_semantic
from grader.sandbox.extensions.metric_queries import answer, engine

REPO = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).parent / "dbt"


def _build(project: Path, tmp: Path, command: str) -> Path:
    work = tmp / "warehouse"
    shutil.copytree(project, work, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb"))
    generate_semantic(seed=42).write(tmp / "data")
    load_duckdb(tmp / "shop.duckdb", tmp / "data" / "raw")
    env = {**os.environ, "FERNHILL_DUCKDB_PATH": str(tmp / "shop.duckdb"), "DO_NOT_TRACK": "1"}
    done = subprocess.run(
        [str(DBT), command, "--profiles-dir", str(work), "--project-dir", str(work)],
        env=env, capture_output=True, text=True, timeout=300, start_new_session=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    return work


@pytest.fixture(scope="module")
def solution(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("lab02")
    work = _build(REPO / "solutions" / "02_semantic_layer" / "warehouse", tmp, "build")
    return engine(work / "target" / "semantic_manifest.json", tmp / "shop.duckdb"), tmp / "data" / "raw"


def _rows(raw: Path, table: str) -> list[dict[str, str]]:
    with (raw / f"{table}.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def _line_money(raw: Path) -> tuple[Decimal, Decimal, Decimal]:
    """Revenue, cost and food revenue of every line, returned orders counting 0 (the latest load wins)."""
    status = {}
    for row in sorted(_rows(raw, "orders"), key=lambda r: r["_loaded_at"]):
        status[row["order_id"]] = row["status"]
    products = {p["product_id"]: p for p in _rows(raw, "products")}
    revenue = cost = food = Decimal(0)
    for item in _rows(raw, "order_items"):
        if status.get(item["order_id"], "returned") == "returned":
            continue
        product, quantity = products[item["product_id"]], int(item["quantity"])
        line = Decimal(quantity * int(item["unit_price_cents"])) / 100
        revenue += line
        cost += Decimal(quantity * int(product["unit_cost_cents"])) / 100
        food += line if product["category"] == "food" else 0
    return revenue, cost, food


def test_metrics_return_the_raw_datas_revenue_cost_and_food_share(solution) -> None:
    mf, raw = solution
    revenue, cost, food = _line_money(raw)
    found = answer(mf, {"metrics": ["revenue", "cost", "gross_profit", "food_revenue_share"]})
    assert "error" not in found, found
    got = dict(zip(found["columns"], found["rows"][0], strict=True))
    assert Decimal(str(got["revenue"])) == revenue
    assert Decimal(str(got["cost"])) == cost
    assert Decimal(str(got["gross_profit"])) == Decimal(str(got["revenue"])) - Decimal(str(got["cost"]))
    assert abs(got["food_revenue_share"] - float(food / revenue)) < 1e-9


def test_a_cross_model_query_joins_the_customers_on_the_customer_entity(solution) -> None:
    mf, raw = solution
    found = answer(mf, {"metrics": ["revenue"], "group_by": ["customer__region"], "compile": True})
    sql = found["sql"].lower()
    assert "join" in sql, sql
    assert "customer_id" in sql, sql
    rows = answer(mf, {"metrics": ["revenue"], "group_by": ["customer__region"]})["rows"]
    assert sum(Decimal(str(r[1])) for r in rows) == _line_money(raw)[0]


def test_month_to_date_at_month_grain_is_the_whole_months_revenue(solution) -> None:
    mf, _ = solution
    by_month = {"group_by": ["metric_time__month"], "order_by": ["metric_time__month"]}
    mtd, plain = answer(mf, {"metrics": ["revenue_mtd"], **by_month}), answer(mf, {"metrics": ["revenue"], **by_month})
    assert mtd["rows"], mtd
    assert mtd["rows"] == plain["rows"], (mtd, plain)


def test_an_unknown_metric_is_answered_with_metricflows_message(solution) -> None:
    mf, _ = solution
    found = answer(mf, {"metrics": ["revenu"]})
    assert "revenu" in found["error"]
    assert "Traceback" not in found["error"]


def test_the_released_starter_parses_and_holds_no_metric(tmp_path: Path) -> None:
    work = _build(REPO / "labs" / "02_semantic_layer" / "warehouse", tmp_path, "parse")
    semantic = json.loads((work / "target" / "semantic_manifest.json").read_text())
    assert semantic["metrics"] == []
    assert semantic["semantic_models"] == []
