"""Exporters: report.json (the contract), JUnit XML, a Markdown feedback page with a chart, console summary."""

from __future__ import annotations

import json
from pathlib import Path

from grader.model import LabReport
from grader.reports.chart import tier_chart
from grader.reports.html import to_html
from grader.reports.junit import to_junit
from grader.reports.markdown import to_markdown
from grader.reports.work_graph import work_svg


def write_reports(report: LabReport, folder: Path) -> Path:
    """Write report.json, junit.xml, feedback.md/.html, scores.svg and work.svg for one lab into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report.to_json(), indent=2) + "\n")
    (folder / "junit.xml").write_text(to_junit(report))
    (folder / "feedback.md").write_text(to_markdown(report, folder))
    (folder / "feedback.html").write_text(to_html(report, folder))
    if report.tests:
        (folder / "scores.svg").write_text(tier_chart(report))
    if report.work:
        (folder / "work.svg").write_text(work_svg(report.work))
    return folder / "report.json"
