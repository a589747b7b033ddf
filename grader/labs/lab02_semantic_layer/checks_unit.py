"""Lab 02, unit tier: the SQL MetricFlow writes for a cross-model request joins on the entity; the notebook quiz."""

from __future__ import annotations

import re

from grader.artifacts.semantic import SemanticArtifacts
from grader.checks import CheckFailed, check, expect
from grader.model import Tier
from grader.notebook_grading import expect_cell_passed

NOTEBOOK = "02_semantic_layer.ipynb"

JOIN = re.compile(r"JOIN\s+(\"[^\s]+\"|\w+)\s+(\w+)\s+ON\s+(.+?)(?=\bGROUP BY\b|\bWHERE\b|\bJOIN\b|\)|$)", re.S | re.I)


def _entity_column(a: SemanticArtifacts, model: str, entity: str) -> str:
    found = next((e for e in a.semantic_model(model)["entities"] if e["name"] == entity), None)
    if found is None:
        raise CheckFailed(f"an entity {entity} in {model}", "none")
    return str(found.get("expr") or entity)


@check(tier=Tier.UNIT, points=3, concepts=["sl.compile_sql", "sl.entities"])
def revenue_by_region_joins_order_items_to_customers(a: SemanticArtifacts) -> None:
    """Compiled, revenue by customer__region reads order_items and joins customers on the customer entity."""
    sql = a.answer("revenue_by_region_sql")["sql"]
    lines = a.semantic_model("order_items")["node_relation"]["relation_name"]
    customers = a.semantic_model("customers")["node_relation"]["relation_name"]
    expect(lines in sql, expected=f"the SQL to read {lines}", found=sql[:600])
    joins = [(table, alias, on) for table, alias, on in JOIN.findall(sql) if table == customers]
    expect(joins, expected=f"a JOIN of {customers}", found=sql[:800])
    left, right = _entity_column(a, "order_items", "customer"), _entity_column(a, "customers", "customer")
    _, alias, on = joins[0]
    expect(
        f"{alias}.{right}" in on and left in on.replace(f"{alias}.{right}", ""),
        expected=f"ON order_items' {left} = customers' {right} (customer: foreign in one, primary in the other)",
        found=" ".join(on.split()),
    )


# Notebook exercises: graded by nbgrader autograde inside the sandbox (grader/sandbox/notebook_autograde.py);
# the points must equal the test cell's points in the solution notebook (tests/test_notebook_grading.py).


@check(tier=Tier.UNIT, points=2, concepts=["sl.compile_sql"])
def join_quiz(a: SemanticArtifacts) -> None:
    """The notebook quiz on the join MetricFlow added (which model, on which entity, and why) passes its tests."""
    expect_cell_passed(a, "02_semantic_layer", NOTEBOOK, "quiz_join_tests")
