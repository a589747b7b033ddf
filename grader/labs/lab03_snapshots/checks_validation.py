"""Lab 03, validation tier: the project declares the snapshots the lab asks for."""

from __future__ import annotations

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import check, expect
from grader.labs.lab03_snapshots.expected import SNAPSHOTS
from grader.model import Tier


@check(tier=Tier.VALIDATION, points=2, concepts=["snap.config"])
def project_declares_the_four_snapshots(a: DbtArtifacts) -> None:
    """The project declares orders_snapshot, customers_snapshot, customers_all_snapshot, customers_hashed_snapshot."""
    names = sorted(n["name"] for n in a.nodes("snapshot"))
    missing = [s for s in SNAPSHOTS if s not in names]
    expect(
        not missing,
        expected=f"snapshots {', '.join(SNAPSHOTS)}",
        found=f"snapshots {names or 'none'}; missing {missing}",
    )
