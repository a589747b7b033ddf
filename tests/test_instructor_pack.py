"""An instructor's private check pack joins the report with the same API as the built-in checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.grading import grade_workspace
from tests.conftest import SOLUTIONS, make_workspace

pytestmark = pytest.mark.slow

PACK = '''
from grader.checks import check, expect
from grader.model import Tier


@check(tier=Tier.INTEGRATION, points=3, concepts=["dbt.incremental"])
def private_orders_have_no_negative_totals(a):
    """No order has a negative total (instructor check)."""
    rows = a.query("select count(*) from orders where order_total < 0")
    expect(rows == [(0,)], expected="no negative totals", found=rows)


@check(tier=Tier.E2E, points=1, concepts=["dbt.elt_workflow"])
def private_check_that_fails(a):
    """A check written to fail, to show a pack can take points away."""
    expect(False, expected="something the solution does not have", found="nothing")
'''


def test_private_pack_adds_its_tests_to_the_report(tmp_path: Path) -> None:
    """Pack checks are run on the host and scored beside the lab's own tests."""
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "extra_checks.py").write_text(PACK)
    ws = make_workspace(tmp_path / "ws", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    reports = grade_workspace(
        ws, "01", isolation="local", report_dir=tmp_path / "r", tests=tmp_path / "pack", quiet=True
    )
    assert reports is not None
    results = {t.id: (t.status, t.score) for t in reports[0].tests}
    assert results["integration.private_orders_have_no_negative_totals"] == ("passed", 3.0)
    assert results["e2e.private_check_that_fails"] == ("failed", 0.0)
    assert reports[0].max_score == 80 + 3 + 1
    assert not (ws / "01_dbt_models" / "extra_checks.py").exists()
