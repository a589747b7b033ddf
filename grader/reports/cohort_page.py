"""The instructor's overview of a cohort: one row per learner, a bar per lab, a score histogram."""

from __future__ import annotations

from html import escape

from grader.model import LabReport
from grader.reports.html import STYLE

BUCKETS = 10


def _bar(score: float, max_score: float, width: int = 160) -> str:
    share = score / max_score if max_score else 0
    colour = "#3c9a5f" if share == 1 else "#e0a526" if share >= 0.5 else "#c8553d"
    return (
        f"<svg width='{width}' height='14'><rect width='{width}' height='14' fill='#eee' rx='3'/>"
        f"<rect width='{width * share:.1f}' height='14' fill='{colour}' rx='3'/></svg>"
    )


def _histogram(shares: list[float]) -> str:
    """How many learners scored 0-10%, 10-20%, ... of the points: the cohort at a glance."""
    counts = [0] * BUCKETS
    for share in shares:
        counts[min(BUCKETS - 1, int(share * BUCKETS))] += 1
    tallest = max(counts) or 1
    bars = []
    for i, count in enumerate(counts):
        height = 100 * count / tallest
        bars.append(
            f"<rect x='{i * 40 + 5}' y='{120 - height:.1f}' width='30' height='{height:.1f}' fill='#4a7fb5'/>"
            f"<text x='{i * 40 + 20}' y='{115 - height:.1f}' text-anchor='middle' font-size='11'>"
            f"{count or ''}</text>"
            f"<text x='{i * 40 + 20}' y='135' text-anchor='middle' font-size='10'>{i * 10}%</text>"
        )
    return f"<svg width='{BUCKETS * 40 + 10}' height='140' font-family='sans-serif'>{''.join(bars)}</svg>"


def cohort_page(results: dict[str, list[LabReport]], labs: list[str]) -> str:
    rows = []
    shares = []
    for learner, reports in sorted(results.items()):
        by_lab = {r.lab: r for r in reports}
        cells = []
        for lab in labs:
            report = by_lab.get(lab)
            if report is None or report.status.value != "graded":
                status = report.status.value.replace("_", " ") if report else "missing"
                cells.append(f"<td><a href='{escape(learner)}/{lab}/feedback.html'>{escape(status)}</a></td>")
                continue
            cells.append(
                f"<td><a href='{escape(learner)}/{lab}/feedback.html'>{_bar(report.score, report.max_score)}"
                f"</a> {report.score:g}/{report.max_score:g}</td>"
            )
        total = sum(r.score for r in reports)
        possible = sum(r.max_score for r in reports)
        shares.append(total / possible if possible else 0)
        rows.append(f"<tr><td>{escape(learner)}</td>{''.join(cells)}<td>{total:g}</td></tr>")
    head = "".join(f"<th>{escape(lab)}</th>" for lab in labs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Cohort results</title>"
        f"<style>{STYLE} td, th {{ padding: .3rem .6rem; text-align: left; }}</style></head><body>"
        f"<h1>Cohort results: {len(results)} submissions</h1><h2>Share of the points</h2>{_histogram(shares)}"
        f"<h2>Per learner</h2><table><tr><th>learner</th>{head}<th>total</th></tr>{''.join(rows)}</table>"
        "</body></html>\n"
    )
