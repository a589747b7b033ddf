"""Lab 01, unit tier: the learner's macros, analyses, vars and unit tests given chosen inputs."""

from __future__ import annotations

import re

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import CheckFailed, check, expect
from grader.labs.lab01_dbt_models.expected import expected
from grader.model import Tier
from grader.notebook_grading import expect_cell_passed


def _rows(a: DbtArtifacts, probe_id: str, what: str) -> tuple[list[str], list[list]]:
    found = a.probe(probe_id)
    if not found.get("ok"):
        raise CheckFailed(what, f"dbt could not run it: {found.get('error', '')[:600]}")
    return found["columns"], found["rows"]


def _first_row(a: DbtArtifacts, probe_id: str, what: str) -> dict:
    columns, rows = _rows(a, probe_id, what)
    expect(rows, expected=what, found="no rows")
    return {c.lower(): v for c, v in zip(columns, rows[0], strict=False)}


@check(tier=Tier.UNIT, points=2, concepts=["dbt.exploration"])
def exploration_analysis_finds_duplicate_orders(a: DbtArtifacts) -> None:
    """analyses/order_id_duplicates.sql lists every order_id the raw table holds more than once."""
    columns, rows = _rows(a, "exploration_duplicates", "the analysis order_id_duplicates to run")
    want = expected(**a.options["data"]).raw_order_duplicates
    names = [c.lower() for c in columns]
    expect("order_id" in names and "copies" in names, expected="columns order_id and copies", found=names)
    got = {int(r[names.index("order_id")]): int(r[names.index("copies")]) for r in rows}
    expect(
        got == want,
        expected=f"{len(want)} duplicated order_ids, e.g. {sorted(want.items())[:3]}",
        found=f"{len(got)} rows, e.g. {sorted(got.items())[:3]}",
    )


@check(tier=Tier.UNIT, points=2, concepts=["dbt.macros"])
def cents_to_dollars_converts_and_rounds(a: DbtArtifacts) -> None:
    """cents_to_dollars('12367') is 123.67 and cents_to_dollars('12367', 1) is 123.7."""
    default = _first_row(a, "cents_to_dollars_default", "cents_to_dollars('12367') to compile and run")
    expect(
        abs(float(default["amount"]) - 123.67) < 1e-9 and abs(float(default["small"]) - 0.05) < 1e-9,
        expected="123.67 and 0.05",
        found=f"{default['amount']} and {default['small']}",
    )
    scaled = _first_row(a, "cents_to_dollars_scale_1", "cents_to_dollars('12367', 1) to run")
    expect(
        abs(float(scaled["amount"]) - 123.7) < 1e-9,
        expected="123.7 with scale=1",
        found=scaled["amount"],
        hint="the second argument, scale, sets the number of decimals",
    )


@check(tier=Tier.UNIT, points=2, concepts=["dbt.macros", "dbt.macro_pivot"])
def get_column_values_queries_with_a_call_block(a: DbtArtifacts) -> None:
    """get_column_values(ref('stg_products'), 'category') returns ['food', 'kitchen'] via {% call statement %}."""
    row = _first_row(a, "get_column_values", "get_column_values to run")
    expect(row["found"] == "food|kitchen", expected="'food|kitchen' (sorted distinct values)", found=repr(row["found"]))
    macro = a.manifest["macros"].get(f"macro.{a.project_name}.get_column_values", {})
    expect(
        re.search(r"{%-?\s*call\s+statement", macro.get("macro_sql", "")),
        expected="a {% call statement(...) %} block in get_column_values",
        found="no call block",
    )


@check(tier=Tier.UNIT, points=3, concepts=["dbt.macro_pivot"])
def pivot_macro_turns_values_into_columns(a: DbtArtifacts) -> None:
    """pivot('kind', ['tea', 'cake'], then_value='amount', suffix='_total') sums per value column."""
    row = _first_row(a, "pivot", "the pivot macro to compile and run")
    expect(set(row) == {"tea_total", "cake_total"}, expected="columns tea_total and cake_total", found=sorted(row))
    expect(
        (float(row["tea_total"]), float(row["cake_total"])) == (7.0, 3.0),
        expected="tea_total = 7, cake_total = 3 (bread ignored)",
        found=f"tea_total = {row['tea_total']}, cake_total = {row['cake_total']}",
    )
    empty = _first_row(a, "pivot_no_cake", "the pivot macro to run on rows without cake")
    expect(
        empty.get("cake_total") is not None and float(empty["cake_total"]) == 0.0,
        expected="cake_total = 0 when no row is cake (else 0, as the table in section 8 says)",
        found=f"cake_total = {empty.get('cake_total')!r}",
    )
    counted = _first_row(a, "pivot_count", "pivot with its default then_value=1 to run")
    expect(
        (float(counted.get("tea", -1)), float(counted.get("cake", -1))) == (2.0, 1.0),
        expected="with then_value=1 the columns count rows: tea = 2, cake = 1",
        found=counted,
    )


@check(tier=Tier.UNIT, points=2, concepts=["dbt.tests_custom_generic"])
def non_negative_test_returns_failing_rows(a: DbtArtifacts) -> None:
    """The generic test non_negative returns the rows below zero, and none when all are >= 0."""
    bad = _first_row(a, "non_negative_bad", "the generic test non_negative to run")
    good = _first_row(a, "non_negative_good", "the generic test non_negative to run")
    expect(
        int(bad["failures"]) == 2 and int(good["failures"]) == 0,
        expected="2 failing rows for (-1, 0, 5, -3) and 0 for (0, 5)",
        found=f"{bad['failures']} and {good['failures']}",
    )


@check(tier=Tier.UNIT, points=2, concepts=["dbt.unit_tests"])
def unit_test_pins_stg_orders_logic(a: DbtArtifacts) -> None:
    """A dbt unit test on stg_orders with mocked source rows passes in dbt build."""
    tests = [t for t in a.nodes("unit_test") if t.get("model") == "stg_orders"]
    expect(tests, expected="a unit test with model: stg_orders", found="no unit test on stg_orders")
    given = tests[0].get("given") or []
    expect(
        any("source(" in str(g.get("input", "")) for g in given) and tests[0].get("expect"),
        expected="given: source('shop', 'orders') rows and expect: rows",
        found=given,
    )
    statuses = {t["name"]: a.status(t["unique_id"]) for t in tests}
    expect(all(s == "pass" for s in statuses.values()), expected="the unit tests to pass", found=statuses)


@check(tier=Tier.UNIT, points=2, concepts=["dbt.jinja_vars"])
def vars_choose_the_country_and_year(a: DbtArtifacts) -> None:
    """selected_country_population follows --vars: FR 2020 and PL 2017 give their own population."""
    populations = expected(**a.options["data"]).population
    for probe_id, (country, year) in (("vars_fr_2020", ("FR", 2020)), ("vars_pl_2017", ("PL", 2017))):
        columns, rows = _rows(a, probe_id, f"selected_country_population with vars {country} {year}")
        names = [c.lower() for c in columns]
        got = [dict(zip(names, r, strict=False)) for r in rows]
        expect(
            len(got) == 1
            and got[0].get("country_code") == country
            and int(got[0].get("year", 0)) == year
            and int(got[0].get("population", 0)) == populations[(country, year)],
            expected=f"one row: {country}, {year}, {populations[(country, year)]}",
            found=got[:3],
        )


# Notebook exercises: graded by nbgrader autograde inside the sandbox (grader/sandbox/notebook_autograde.py);
# the points must equal the test cell's points in the solution notebook (tests/test_notebook_grading.py).
NOTEBOOK = "01_dbt_models.ipynb"


@check(tier=Tier.UNIT, points=2, concepts=["dbt.cloud_vs_core"])
def cloud_vs_core_quiz(a: DbtArtifacts) -> None:
    """The notebook quiz on dbt Core vs dbt Cloud passes its tests, hidden ones included."""
    expect_cell_passed(a, "01_dbt_models", NOTEBOOK, "quiz_cloud_vs_core_tests")


@check(tier=Tier.UNIT, points=2, concepts=["dbt.ci_cd"])
def slim_ci_args_notebook_exercise(a: DbtArtifacts) -> None:
    """slim_ci_args(state_dir) in the notebook returns the slim CI build arguments for any state folder."""
    expect_cell_passed(a, "01_dbt_models", NOTEBOOK, "slim_ci_args_tests")
