"""Lab 04, unit tier: the pipeline's logic in include/fernhill/, called with the grader's inputs."""

from __future__ import annotations

from typing import Any

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import CheckFailed, check, expect
from grader.labs.lab04_airflow_dags.expected import suppliers
from grader.labs.lab04_airflow_dags.probes import DAY, EXPECTED_DAY, ISO_WEEKS, SINCE
from grader.model import Tier
from grader.notebook_grading import expect_cell_passed


def _value(a: AirflowArtifacts, call_id: str, what: str) -> Any:
    found = a.call(call_id)
    if not found["ok"]:
        raise CheckFailed(what, f"it raised {found['error']}")
    return found["value"]


@check(tier=Tier.UNIT, points=3, concepts=["af.timezones"])
def orders_for_day_keeps_latest_loads_by_utc_day(a: AirflowArtifacts) -> None:
    """orders_for_day keeps one row per order (its latest load) and picks the day in UTC, not in local time."""
    got = _value(a, "orders_for_day", f"orders_for_day(rows, {DAY!r}) to return the day's orders")
    ids = [str(r.get("order_id")) for r in got] if isinstance(got, list) else got
    expect(
        ids == EXPECTED_DAY["ids"],
        expected=f"orders {EXPECTED_DAY['ids']} (order 2 at 00:30+01:00 is 23:30 UTC the day before; "
        "order 3 at 23:30-02:00 is the next day in UTC)",
        found=f"orders {ids}",
    )
    first: dict = next((r for r in got if str(r.get("order_id")) == "1"), {})
    expect(
        first.get("status") == EXPECTED_DAY["status_of_1"],
        expected="order 1 as last loaded: status shipped",
        found=f"status {first.get('status')!r}",
    )


@check(tier=Tier.UNIT, points=1, concepts=["af.xcom"])
def summarize_counts_orders_and_returns(a: AirflowArtifacts) -> None:
    """summarize returns {'orders': n, 'returned': k}, also for a day without orders."""
    got = _value(a, "summarize", "summarize(orders) to return the counts")
    expect(got == {"orders": 4, "returned": 2}, expected="{'orders': 4, 'returned': 2}", found=got)
    empty = _value(a, "summarize_empty", "summarize([]) to return zero counts")
    expect(empty == {"orders": 0, "returned": 0}, expected="{'orders': 0, 'returned': 0} for no orders", found=empty)


@check(tier=Tier.UNIT, points=2, concepts=["af.branching"])
def choose_load_names_the_branch_task(a: AirflowArtifacts) -> None:
    """choose_load returns the task to follow: load.write_summary with orders (one is enough), no_orders without."""
    busy = _value(a, "choose_load_busy", "choose_load({'orders': 3, ...}) to name a task")
    quiet = _value(a, "choose_load_quiet", "choose_load({'orders': 0, ...}) to name a task")
    expect(
        busy == "load.write_summary",
        expected="'load.write_summary' (a task in a group is named group.task)",
        found=repr(busy),
    )
    expect(quiet == "no_orders", expected="'no_orders' when there are none", found=repr(quiet))
    one = _value(a, "choose_load_one", "choose_load({'orders': 1, 'returned': 0}) to name a task")
    expect(one == "load.write_summary", expected="'load.write_summary' for a day with one order", found=repr(one))


@check(tier=Tier.UNIT, points=2, concepts=["af.components"])
def components_quiz(a: AirflowArtifacts) -> None:
    """The notebook quiz on Airflow 3's components passes its tests, hidden ones included (nbgrader)."""
    expect_cell_passed(a, "04_airflow_dags", "04_airflow_dags.ipynb", "components_quiz_tests")


@check(tier=Tier.UNIT, points=2, concepts=["af.macros"])
def macro_gives_the_iso_week(a: AirflowArtifacts) -> None:
    """iso_week(ds) is the ISO year and week, also where they differ from the calendar year."""
    got = {day: a.call(f"iso_week_{day}") for day in ISO_WEEKS}
    found = {day: r["value"] if r["ok"] else r["error"] for day, r in got.items()}
    expect(
        found == ISO_WEEKS,
        expected=f"iso_week: {ISO_WEEKS}",
        found={day: value for day, value in found.items() if value != ISO_WEEKS[day]},
        hint="date.isocalendar() gives the ISO year and week; strftime('%Y-W%W') is not ISO",
    )


@check(tier=Tier.UNIT, points=3, concepts=["af.hooks_connections"])
def hook_reads_its_connection(a: AirflowArtifacts) -> None:
    """SupplierApiHook().get_suppliers(since=...) gets the API and token from the connection fernhill_supplier_api."""
    call = a.call("hook_get_suppliers")
    requests = [r for r in call["http"] if r["method"] == "GET"]
    expect(
        requests,
        expected="a GET request to the supplier API (host and port from the connection)",
        found=f"none; the hook raised {call.get('error')}" if not call["ok"] else "no request at all",
    )
    expect(
        all(r["authorized"] for r in requests),
        expected="Authorization: Bearer <the connection's password>",
        found="a request without the right token",
        hint="the token changes every grading run: it can only come from self.get_connection(...).password",
    )
    expect(
        any(f"since={SINCE}" in r["path"] for r in requests),
        expected=f"GET /suppliers?since={SINCE}",
        found=[r["path"] for r in requests],
    )
    want = suppliers(a.options["data"]["seed"], a.options["data"]["scale"])
    expect(
        call["ok"] and call["value"] == want,
        expected=f"the {len(want)} suppliers the API returned, as parsed JSON",
        found=call.get("error") or str(call["value"])[:300],
    )


@check(tier=Tier.UNIT, points=2, concepts=["af.cli_testing"])
def cli_commands_for_trying_dags(a: AirflowArtifacts) -> None:
    """Exercise 14.1: airflow tasks test, airflow dags test and Airflow 3's backfill create (nbgrader)."""
    expect_cell_passed(a, "04_airflow_dags", "04_airflow_dags.ipynb", "cli_commands_tests")


@check(tier=Tier.UNIT, points=2, concepts=["af.orchestrators_vs_dags"])
def orchestrators_quiz(a: AirflowArtifacts) -> None:
    """Exercise 16.1: declarative DAGs against code-first orchestrator functions (nbgrader, hidden tests)."""
    expect_cell_passed(a, "04_airflow_dags", "04_airflow_dags.ipynb", "orchestrators_quiz_tests")


def _passes_on_reference(a: AirflowArtifacts) -> dict:
    """The learner's tests on the correct pipeline: all collected tests must pass."""
    results = a.learner_tests
    expect("missing" not in results, expected="a tests/ folder with your tests", found=results.get("missing"))
    reference = results["reference"]
    expect(
        "error" not in reference, expected="your tests to finish on the correct pipeline", found=reference.get("error")
    )
    tests = reference["tests"]
    failing = sorted(k for k, v in tests.items() if v != "passed")
    why = reference.get("messages", {}).get(failing[0], "") if failing else ""
    expect(
        len(tests) >= 5 and not failing,
        expected="at least 5 tests, all passing on the grader's correct copy of the pipeline",
        found=f"{len(tests)} test(s)" + (f"; failing: {failing[:4]}; the first says: {why}" if failing else ""),
        hint="a test that fails on correct code cannot tell a bug from a feature",
    )
    return tests


@check(tier=Tier.UNIT, points=2, concepts=["af.testing_tiers"])
def your_tests_pass_on_the_correct_pipeline(a: AirflowArtifacts) -> None:
    """Your tests/ (5 tiers) pass against the grader's correct copy of the order pipeline."""
    _passes_on_reference(a)


def _catches(a: AirflowArtifacts, mutant_id: str) -> None:
    from grader.labs.lab04_airflow_dags.probes import MUTANTS

    _passes_on_reference(a)
    what = next(m["what"] for m in MUTANTS if m["id"] == mutant_id)
    result = a.learner_tests.get(mutant_id, {})
    expect(
        "error" not in result, expected=f"your tests to finish on the pipeline with {what}", found=result.get("error")
    )
    caught = sorted(k for k, v in result.get("tests", {}).items() if v != "passed")
    expect(
        caught,
        expected=f"at least one of your tests failing on the pipeline with {what}",
        found="every test passed: the bug went unnoticed",
        hint=f"a {mutant_id} test: see the tier's example in the notebook, section 18",
    )


@check(tier=Tier.UNIT, points=1, concepts=["af.testing_tiers"])
def your_tests_catch_a_dag_that_no_longer_imports(a: AirflowArtifacts) -> None:
    """A validation test fails when a DAG file no longer imports."""
    _catches(a, "validation")


@check(tier=Tier.UNIT, points=1, concepts=["af.testing_tiers"])
def your_tests_catch_tasks_wired_in_the_wrong_order(a: AirflowArtifacts) -> None:
    """A definition test fails when announce runs before write_summary."""
    _catches(a, "definition")


@check(tier=Tier.UNIT, points=1, concepts=["af.testing_tiers"])
def your_tests_catch_a_wrong_count(a: AirflowArtifacts) -> None:
    """A unit test fails when summarize counts every order as returned."""
    _catches(a, "unit")


@check(tier=Tier.UNIT, points=1, concepts=["af.testing_tiers"])
def your_tests_catch_the_wrong_trigger_rule(a: AirflowArtifacts) -> None:
    """An integration test fails when the join end keeps the default trigger rule all_success."""
    _catches(a, "integration")


@check(tier=Tier.UNIT, points=1, concepts=["af.testing_tiers"])
def your_tests_catch_a_summary_without_its_day(a: AirflowArtifacts) -> None:
    """An end-to-end test fails when the summary file no longer holds its day."""
    _catches(a, "e2e")
