"""What the terminal shows: progress while grading, a summary table at the end."""

from __future__ import annotations

import sys

from grader.model import LabReport, Status
from grader.reports.markdown import bar


def progress(lab: str):
    def emit(line: str) -> None:
        print(f"  [{lab}] {line}", file=sys.stderr, flush=True)

    return emit


def summary(report: LabReport, report_path: str) -> str:
    out = [
        f"\nLab {report.lab} ({report.isolation}): {report.status.value}, "
        f"{report.score:g} / {report.max_score:g} points in {report.duration_s:.1f}s"
    ]
    for name, tier in report.tiers.items():
        out.append(f"  {name:<12} {bar(tier.score, tier.max_score)} {tier.score:>5g} / {tier.max_score:g}")
    failed = [t for t in report.tests if t.status != "passed"]
    if failed:
        out.append(f"  {len(failed)} test(s) to fix, first ones:")
        for t in failed[:5]:
            out.append(f"    - {t.id}: {t.message.splitlines()[1] if len(t.message.splitlines()) > 1 else t.message}")
    if report.status is not Status.GRADED:
        out += ["  " + line for p in report.problems for line in p.splitlines()[:12]]
    out.append(f"  Feedback: {report_path} (and feedback.html beside it, to open in a browser)")
    return "\n".join(out)
