"""The grading data reaches every graded rule's edge: rows on it and on both sides (grader/labs/edges.py)."""

from __future__ import annotations

import dataclasses

from grader.checks import collect, import_modules
from grader.datagen import generate
from grader.labs import graded_lab_ids, load_spec
from grader.labs.edges import edges_of, table
from grader.labs.lab01_dbt_models import GRADING_SCALE, GRADING_SEED
from grader.labs.lab01_dbt_models.edges import coverage as coverage_01
from grader.labs.lab01_dbt_models.expected import expected_from
from grader.labs.lab04_airflow_dags import probes
from grader.labs.lab04_airflow_dags.edges import coverage as coverage_04


def test_every_graded_rule_has_rows_on_and_beside_its_edge() -> None:
    """Each graded lab reports its edges; every side of every edge has at least one row, for real checks."""
    for lab_id in graded_lab_ids():
        coverage = edges_of(lab_id)
        assert coverage is not None, f"{lab_id} keeps no edges.py"
        edges = coverage()
        assert [e for e in edges if not e.covered] == [], table(edges)
        spec = load_spec(lab_id)
        assert spec is not None
        ids = {c.id for c in collect(import_modules(spec.check_modules))}
        assert {check for e in edges for check in e.checks} <= ids


def test_removing_an_edge_row_from_the_data_is_caught() -> None:
    """Without the planted customer who never ordered, the 'no orders' side of the prospect edge is empty."""
    data = generate(seed=GRADING_SEED, scale=GRADING_SCALE)
    ordered = {o["customer_id"] for o in data.batch_1["orders"] + data.batch_2["orders"]}
    customers = [c for c in data.batch_1["customers"] if c["customer_id"] in ordered]
    thinned = dataclasses.replace(data, batch_1={**data.batch_1, "customers": customers})
    missing = [e for e in coverage_01(expected_from(thinned)) if not e.covered]
    assert [e.rule for e in missing] == ["customers without orders get 0 orders and 0 revenue (prospect)"]
    assert missing[0].sides["no orders"] == 0


def test_removing_an_edge_input_from_the_probes_is_caught() -> None:
    """Without the order at 00:00 UTC of the next day, the end of orders_for_day's day is not reached."""
    calls = [
        {**c, "args": [[r for r in c["args"][0] if r["order_id"] != "6"], *c["args"][1:]]}
        if c["id"] == "orders_for_day"
        else c
        for c in probes.CALLS
    ]
    missing = [e for e in coverage_04(calls=calls) if not e.covered]
    assert [e.sides["at 00:00 UTC of the next day"] for e in missing] == [0]
