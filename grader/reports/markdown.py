"""The feedback page a learner reads: score per tier as bars, then every test with what to fix."""

from __future__ import annotations

from grader.model import LabReport, Status

BAR = 20


def bar(score: float, max_score: float) -> str:
    filled = round(BAR * score / max_score) if max_score else 0
    return "█" * filled + "░" * (BAR - filled)


def to_markdown(report: LabReport) -> str:
    lines = [f"# Lab {report.lab}: {report.score:g} / {report.max_score:g} points", ""]
    if report.status is not Status.GRADED:
        lines += [f"**Status: {report.status.value.replace('_', ' ')}.**", ""]
    for problem in report.problems:
        lines += ["> " + line for line in problem.splitlines()] + [""]
    if report.tests:
        lines += ["![Score per tier](scores.svg)", "", "| tier | score | |", "|---|---|---|"]
        for name, tier in report.tiers.items():
            lines.append(f"| {name} | {tier.score:g} / {tier.max_score:g} | `{bar(tier.score, tier.max_score)}` |")
        lines.append("")
    for status, title in (("failed", "To fix"), ("error", "Could not be checked"), ("passed", "Passed")):
        tests = [t for t in report.tests if t.status == status]
        if not tests:
            continue
        lines += [f"## {title} ({len(tests)})", ""]
        for t in tests:
            head, *rest = t.message.splitlines()
            lines.append(f"- **{t.id}** ({t.score:g}/{t.max_score:g}, {', '.join(t.concepts)}): {head}")
            lines += [f"  {line}" for line in rest]
        lines.append("")
    if report.steps:
        lines += ["## What the grader ran", ""]
        lines += [f"- {s['label']}: {s['status']} ({s.get('duration_s', 0):.1f}s)" for s in report.steps]
        lines.append("")
    return "\n".join(lines)
