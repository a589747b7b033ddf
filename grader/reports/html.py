"""The feedback page as one self-contained HTML file: opens offline, pictures inline.

Its one script only runs when JupyterLab serves the page (under /files/): it turns the notebook
links into JupyterLab links (/lab/tree/...), which open the notebook rather than download it.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from grader.model import LabReport, Status
from grader.reports.chart import tier_chart
from grader.reports.feedback import ConceptView, Feedback, feedback, test_details, what_to_do
from grader.reports.work_graph import work_svg

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
.problem { background: #fff4e5; border-left: 4px solid #e0a526; padding: .5rem 1rem; margin: .5rem 0; }
.problem pre { background: transparent; margin: .3rem 0; }
.start { background: #eef5fb; border-left: 4px solid #4a7fb5; padding: .5rem 1rem; margin: 1rem 0; }
.start li { margin: .3rem 0; }
details { border: 1px solid #ddd; border-radius: 6px; margin: .4rem 0; padding: .4rem .8rem; }
summary { cursor: pointer; }
.failed::before { content: "✗ "; color: #c8553d; }
.error::before { content: "? "; color: #e0a526; }
.passed::before { content: "✓ "; color: #3c9a5f; }
.test { margin: .6rem 0; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: .5rem; }
.meta { color: #666; font-size: .9rem; }
figure { margin: 1rem 0; overflow-x: auto; }
"""

JUPYTER_LINKS = """<script>
// Served by JupyterLab (/files/...): open notebooks in JupyterLab instead of downloading them.
if (location.pathname.indexOf("/files/") >= 0) {
  for (const a of document.querySelectorAll("a.nb")) {
    a.href = a.href.replace("/files/", "/lab/tree/");
  }
}
</script>"""


LEGENDS = {
    "lineage": "Green: built; red: failed, errored or a test on it failed, in the grader's build; grey: skipped "
    "or not run (an ephemeral model is compiled into the models that use it); dashed: sources and seeds.",
    "semantic graph": "Your semantic models; an arrow from a model with a foreign entity to the model that "
    "entity keys (primary, unique or natural there): the joins MetricFlow can make for a group by. Red: a "
    "graded query of one of its measures failed.",
    "DAGs": "Each DAG's tasks in the grader's first run of it. Green: succeeded; red: failed or upstream "
    "failed; grey: skipped or not run.",
}


def to_html(report: LabReport, folder: Path) -> str:
    view = feedback(report, folder)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Lab {escape(report.lab)} feedback</title><style>{STYLE}</style></head><body>",
        f"<h1>Lab {escape(report.lab)}, {escape(view.title)}: {report.score:g} / {report.max_score:g} points</h1>",
        f"<p class='meta'>{escape(report.status.value.replace('_', ' '))} · {escape(report.isolation)} runner · "
        f"{report.duration_s:.1f}s · {escape(report.workspace)}"
        + (f" · <a class='nb' href='{escape(view.notebook)}'>the lab notebook</a>" if view.notebook else "")
        + "</p>",
        *_start_here(view),
        *_problems(view),
    ]
    if report.tests:
        parts.append(f"<figure>{tier_chart(report)}</figure>")
    if report.work:
        parts += [
            f"<h2>Your {escape(report.work.get('kind', 'work'))}</h2>",
            f"<figure>{work_svg(report.work)}</figure>",
            f"<p class='meta'>{escape(LEGENDS.get(report.work.get('kind', ''), ''))}</p>",
        ]
    parts += _failures(view)
    passed = [t for t in report.tests if t.status == "passed"]
    if passed:
        items = "".join(f"<li class='passed'>{escape(t.title or t.message)}</li>" for t in passed)
        parts.append(f"<h2>Passed ({len(passed)})</h2><details><summary>Show them</summary><ul>{items}</ul></details>")
    if report.steps:
        rows = "".join(
            f"<li>{escape(str(s['label']))}: {escape(str(s['status']))} ({s.get('duration_s', 0):.1f}s)</li>"
            for s in report.steps
        )
        parts.append(
            f"<h2>What the grader ran</h2><details><summary>The job's steps</summary><ul>{rows}</ul></details>"
        )
    parts += [JUPYTER_LINKS, "</body></html>\n"]
    return "\n".join(parts)


def _inline(text: str) -> str:
    """Escaped text with `code` spans as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def _concept_link(concept: ConceptView) -> str:
    if not concept.href:
        return escape(concept.where)
    return f"<a class='nb' href='{escape(concept.href)}'>{escape(concept.where)}</a>"


def _problems(view: Feedback) -> list[str]:
    parts = []
    if view.report.status is not Status.GRADED:
        parts.append(f"<p><strong>Status: {escape(view.report.status.value.replace('_', ' '))}.</strong></p>")
    for problem in view.problems:
        where = ""
        if problem.where:
            target = (
                f"<a href='{escape(problem.href)}'>{escape(problem.where)}</a>"
                if problem.href
                else escape(problem.where)
            )
            where = f"<p>Where: {target}</p>"
        heading = f"<strong>{escape(problem.heading)}</strong>"
        parts.append(f"<div class='problem'>{heading}{where}<pre>{escape(problem.text)}</pre></div>")
    steps = what_to_do(view)
    if steps:
        parts.append("<h2>What to do</h2><ol>" + "".join(f"<li>{_inline(s)}</li>" for s in steps) + "</ol>")
    return parts


def _start_here(view: Feedback) -> list[str]:
    if not view.start_here:
        return []
    items = "".join(
        f"<li><strong>{escape(c.name)}</strong> ({c.score:g} / {c.max_score:g} points): {_concept_link(c)}</li>"
        for c in view.start_here
    )
    return [f"<div class='start' id='start-here'><h2>Start here</h2><ol>{items}</ol></div>"]


def _failures(view: Feedback) -> list[str]:
    failing = view.failing
    if not failing:
        return []
    parts = [f"<h2>To fix, by concept ({sum(t.status != 'passed' for t in view.report.tests)} tests)</h2>"]
    for concept in failing:
        tests = []
        for t in concept.tests:
            if t.status == "passed":
                continue
            details = test_details(t)
            tests.append(
                f"<div class='test'><span class='{escape(t.status)}'><strong>{escape(t.title or t.id)}</strong></span> "
                f"<span class='meta'>({t.score:g}/{t.max_score:g} points, {escape(t.id)})</span>"
                + (f"<pre>{escape(details)}</pre>" if details else "")
                + "</div>"
            )
        parts.append(
            f"<details class='concept' id='{escape(concept.id)}'><summary><strong>{escape(concept.name)}</strong> "
            f"{concept.score:g} / {concept.max_score:g} points · learn: {_concept_link(concept)}</summary>"
            + "".join(tests)
            + "</details>"
        )
    return parts
