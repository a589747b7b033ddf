"""The feedback page as one self-contained HTML file: opens offline, chart inline, no scripts."""

from __future__ import annotations

from html import escape

from grader.model import LabReport, Status
from grader.reports.chart import tier_chart

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
.problem { background: #fff4e5; border-left: 4px solid #e0a526; padding: .5rem 1rem; white-space: pre-wrap; }
details { border: 1px solid #ddd; border-radius: 6px; margin: .4rem 0; padding: .4rem .8rem; }
summary { cursor: pointer; }
.failed summary::before { content: "✗ "; color: #c8553d; }
.error summary::before { content: "? "; color: #e0a526; }
.passed summary::before { content: "✓ "; color: #3c9a5f; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: .5rem; }
.meta { color: #666; font-size: .9rem; }
"""


def to_html(report: LabReport) -> str:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Lab {escape(report.lab)} feedback</title><style>{STYLE}</style></head><body>",
        f"<h1>Lab {escape(report.lab)}: {report.score:g} / {report.max_score:g} points</h1>",
        f"<p class='meta'>{escape(report.status.value)} · {escape(report.isolation)} runner · "
        f"{report.duration_s:.1f}s</p>",
    ]
    if report.status is not Status.GRADED:
        parts.append(f"<p><strong>Status: {escape(report.status.value.replace('_', ' '))}.</strong></p>")
    parts += [f"<div class='problem'>{escape(problem)}</div>" for problem in report.problems]
    if report.tests:
        parts.append(tier_chart(report))
    for status, title in (("failed", "To fix"), ("error", "Could not be checked"), ("passed", "Passed")):
        tests = [t for t in report.tests if t.status == status]
        if not tests:
            continue
        parts.append(f"<h2>{title} ({len(tests)})</h2>")
        for t in tests:
            head, _, rest = t.message.partition("\n")
            parts.append(
                f"<details class='{status}'{' open' if status != 'passed' else ''}><summary><strong>{escape(t.id)}"
                f"</strong> ({t.score:g}/{t.max_score:g}) {escape(head)}</summary>"
                f"<p class='meta'>concepts: {escape(', '.join(t.concepts))}</p>"
                + (f"<pre>{escape(rest)}</pre>" if rest else "")
                + "</details>"
            )
    parts.append("</body></html>\n")
    return "\n".join(parts)
