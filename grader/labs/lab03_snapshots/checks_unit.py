"""Lab 03, unit tier: the surrogate key macro called with the grader's inputs, and the notebook quiz."""

from __future__ import annotations

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import check, expect
from grader.labs.lab03_snapshots import GRADING_SEED
from grader.labs.lab03_snapshots.expected import PROFILE, extracts, surrogate_key
from grader.labs.lab03_snapshots.probes import SURROGATE_INPUTS
from grader.model import Tier
from grader.notebook_grading import expect_cell_passed

NOTEBOOK = "03_snapshots.ipynb"


def _literal(sql: str) -> object:
    """The value a SQL literal of the probe stands for: 'a' -> a, null -> None, 42 -> 42."""
    return None if sql == "null" else sql.strip("'")


@check(tier=Tier.UNIT, points=2, concepts=["snap.surrogate_key"])
def surrogate_key_hashes_values_and_nulls(a: DbtArtifacts) -> None:
    """fernhill_utils.generate_surrogate_key gives md5 of the values joined with '-', a null spelled '_null_'."""
    probe = a.probe("surrogate_key")
    expect(probe.get("ok"), expected="generate_surrogate_key to compile and run", found=probe.get("error", "")[:500])
    got = dict(zip(probe["columns"], probe["rows"][0], strict=True))
    for name, values in SURROGATE_INPUTS.items():
        want = surrogate_key([_literal(v) for v in values])
        expect(
            got.get(name) == want,
            expected=f"generate_surrogate_key([{', '.join(values)}]) = {want}",
            found=got.get(name),
            hint="md5(coalesce(cast(col as varchar), '_null_') || '-' || ...)" if name == "a_null" else "",
        )


@check(tier=Tier.UNIT, points=2, concepts=["snap.surrogate_key"])
def profile_hash_condenses_the_profile(a: DbtArtifacts) -> None:
    """stg_crm_customers.profile_hash is the surrogate key of email, country_code, loyalty_tier and newsletter."""
    rows = a.query_by_key("select customer_id, profile_hash from stg_crm_customers", "day_1")
    want = {k: surrogate_key([r[c] for c in PROFILE]) for k, r in extracts(GRADING_SEED, "crm_customers")[0].items()}
    wrong = sorted(k for k in want if rows.get(k) != want[k])
    expect(
        not wrong,
        expected=f"customer {wrong[0] if wrong else ''}: {want.get(wrong[0]) if wrong else ''}",
        found=f"{rows.get(wrong[0]) if wrong else ''} ({len(wrong)} of {len(want)} customers differ)",
    )


# Notebook exercises: graded by nbgrader autograde inside the sandbox (grader/sandbox/notebook_autograde.py);
# the points must equal the test cell's points in the solution notebook (tests/test_notebook_grading.py).


@check(tier=Tier.UNIT, points=2, concepts=["snap.full_refresh"])
def full_refresh_quiz(a: DbtArtifacts) -> None:
    """The notebook quiz on what --full-refresh does to snapshots and incremental models passes its tests."""
    expect_cell_passed(a, "03_snapshots", NOTEBOOK, "quiz_full_refresh_tests")
