"""The feedback page as Markdown, from the same view as the HTML page (grader/reports/feedback.py)."""

from __future__ import annotations

from pathlib import Path

from grader.model import LabReport, Status
from grader.reports.feedback import ConceptView, Feedback, feedback, test_details, what_to_do

BAR = 20


def bar(score: float, max_score: float) -> str:
    filled = round(BAR * score / max_score) if max_score else 0
    return "█" * filled + "░" * (BAR - filled)


def _link(concept: ConceptView) -> str:
    return f"[{concept.where}]({concept.href})" if concept.href else concept.where


def to_markdown(report: LabReport, folder: Path) -> str:
    view = feedback(report, folder)
    lines = [f"# Lab {report.lab}, {view.title}: {report.score:g} / {report.max_score:g} points", ""]
    if view.notebook:
        lines += [f"The lab notebook: [{Path(view.notebook).name}]({view.notebook})", ""]
    if report.status is not Status.GRADED:
        lines += [f"**Status: {report.status.value.replace('_', ' ')}.**", ""]
    lines += _start_here(view) + _problems(view)
    if report.tests:
        lines += ["![Score per tier](scores.svg)", "", "| tier | score | |", "|---|---|---|"]
        for name, tier in report.tiers.items():
            lines.append(f"| {name} | {tier.score:g} / {tier.max_score:g} | `{bar(tier.score, tier.max_score)}` |")
        lines.append("")
    if report.work:
        lines += [f"![Your {report.work.get('kind', 'work')}](work.svg)", ""]
    lines += _failures(view)
    passed = [t for t in report.tests if t.status == "passed"]
    if passed:
        lines += [f"## Passed ({len(passed)})", "", *[f"- ✓ {t.title or t.message}" for t in passed], ""]
    if report.steps:
        lines += ["## What the grader ran", ""]
        lines += [f"- {s['label']}: {s['status']} ({s.get('duration_s', 0):.1f}s)" for s in report.steps]
        lines.append("")
    return "\n".join(lines)


def _start_here(view: Feedback) -> list[str]:
    if not view.start_here:
        return []
    items = [
        f"{i}. **{c.name}** ({c.score:g} / {c.max_score:g} points): {_link(c)}"
        for i, c in enumerate(view.start_here, start=1)
    ]
    return ["## Start here", "", *items, ""]


def _problems(view: Feedback) -> list[str]:
    lines = []
    for problem in view.problems:
        lines += [f"> **{problem.heading}**"]
        if problem.where:
            lines += [f"> Where: [{problem.where}]({problem.href})" if problem.href else f"> Where: {problem.where}"]
        lines += ["> " + line for line in problem.text.splitlines()] + [""]
    steps = what_to_do(view)
    if steps:
        lines += ["## What to do", "", *[f"{i}. {s}" for i, s in enumerate(steps, start=1)], ""]
    return lines


def _failures(view: Feedback) -> list[str]:
    if not view.failing:
        return []
    lines = [f"## To fix ({sum(t.status != 'passed' for t in view.report.tests)} tests, by concept)", ""]
    for concept in view.failing:
        lines += [f"### {concept.name}: {concept.score:g} / {concept.max_score:g} points, {_link(concept)}", ""]
        for t in concept.tests:
            if t.status == "passed":
                continue
            mark = "✗" if t.status == "failed" else "?"
            lines.append(f"- {mark} **{t.title or t.id}** ({t.score:g}/{t.max_score:g}, `{t.id}`)")
            lines += [f"  {line}" for line in test_details(t).splitlines()]
        lines.append("")
    return lines
