"""The instructor's overview of a cohort: where the cohort struggles, then one row per learner.

- a histogram of the share of the points (graded learners only: not gradable is not 0%),
- a table learner x concept coloured by score, the hardest concepts first,
- per learner: a status column, a bar per lab, links to the feedback pages (URL-encoded: a learner
  may be called "Ann #2 (50%)"),
- learners who could not be graded, apart, with their reason, and every skipped entry.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from grader.course import lab_entry
from grader.model import LabReport, Status
from grader.reports.feedback import concept_points
from grader.reports.html import STYLE
from grader.submissions import Skipped

BUCKETS = 10


def _colour(share: float) -> str:
    return "#3c9a5f" if share == 1 else "#e0a526" if share >= 0.5 else "#c8553d"


def _bar(score: float, max_score: float, width: int = 160) -> str:
    share = score / max_score if max_score else 0
    return (
        f"<svg width='{width}' height='14'><rect width='{width}' height='14' fill='#eee' rx='3'/>"
        f"<rect width='{width * share:.1f}' height='14' fill='{_colour(share)}' rx='3'/></svg>"
    )


def _histogram(shares: list[float]) -> str:
    """How many graded learners scored 0-10%, 10-20%, ... of the points: the cohort at a glance."""
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


def feedback_href(learner: str, lab: str) -> str:
    return f"{quote(learner)}/{quote(lab)}/feedback.html"


def concept_shares(results: dict[str, list[LabReport]]) -> dict[tuple[str, str], dict[str, float]]:
    """(lab, concept) -> learner -> share of the points of the tests carrying it (graded labs only)."""
    shares: dict[tuple[str, str], dict[str, float]] = {}
    for learner, reports in results.items():
        for report in reports:
            if report.status is not Status.GRADED:
                continue
            for concept, (score, possible) in concept_points(report).items():
                shares.setdefault((report.lab, concept), {})[learner] = score / possible if possible else 1.0
    return shares


def _concept_table(results: dict[str, list[LabReport]], learners: list[str]) -> str:
    shares = concept_shares(results)
    if not shares or not learners:
        return ""
    hardest = sorted(shares, key=lambda key: (sum(shares[key].values()) / len(shares[key]), key))
    head = "".join(
        f"<th title='{escape(lab)}: {escape(concept)}'>"
        f"{escape(str((lab_entry(lab).get('concepts') or {}).get(concept, {}).get('name') or concept))}</th>"
        for lab, concept in hardest
    )
    rows = []
    for learner in learners:
        cells = []
        for key in hardest:
            share = shares[key].get(learner)
            if share is None:
                cells.append("<td class='cell'></td>")
            else:
                cells.append(
                    f"<td class='cell' style='background:{_colour(share)}' title='{share:.0%}'>{share * 100:.0f}</td>"
                )
        rows.append(f"<tr><th class='who'>{escape(learner)}</th>{''.join(cells)}</tr>")
    means = [sum(shares[k].values()) / len(shares[k]) for k in hardest]
    average = "".join(f"<td class='cell' style='background:{_colour(m)}'>{100 * m:.0f}</td>" for m in means)
    return (
        "<h2>Where the cohort struggles</h2><p class='meta'>Share of each concept's points (%), "
        "hardest concepts first; graded learners only.</p><div class='wide'><table class='grid'>"
        f"<tr><th></th>{head}</tr><tr><th class='who'>cohort average</th>{average}</tr>{''.join(rows)}</table></div>"
    )


def cohort_page(results: dict[str, list[LabReport]], labs: list[str], skipped: list[Skipped] | None = None) -> str:
    rows, shares, apart = [], [], []
    graded_learners = []
    for learner, reports in sorted(results.items()):
        by_lab = {r.lab: r for r in reports}
        cells, statuses = [], []
        for lab in labs:
            report = by_lab.get(lab)
            status = report.status.value if report else "missing"
            statuses.append(status)
            link = feedback_href(learner, lab)
            if report is None or report.status is not Status.GRADED:
                cells.append(f"<td><a href='{escape(link)}'>{escape(status.replace('_', ' '))}</a></td>")
                if report is not None:
                    reason = report.problems[0].splitlines()[0] if report.problems else ""
                    apart.append(
                        f"<li><a href='{escape(link)}'>{escape(learner)}</a>, lab {escape(lab)} "
                        f"({escape(status.replace('_', ' '))}): {escape(reason)}</li>"
                    )
                continue
            cells.append(
                f"<td><a href='{escape(link)}'>{_bar(report.score, report.max_score)}"
                f"</a> {report.score:g}/{report.max_score:g}</td>"
            )
        graded = [r for r in reports if r.status is Status.GRADED]
        if graded:
            graded_learners.append(learner)
            possible = sum(r.max_score for r in graded)
            shares.append(sum(r.score for r in graded) / possible if possible else 0)
        status = "graded" if all(s == "graded" for s in statuses) else ", ".join(sorted(set(statuses) - {"graded"}))
        total = sum(r.score for r in reports)
        rows.append(
            f"<tr class='row-{escape(status.split(',')[0])}'><td>{escape(learner)}</td>"
            f"<td>{escape(status.replace('_', ' '))}</td>{''.join(cells)}<td>{total:g}</td></tr>"
        )
    head = "".join(f"<th>{escape(lab)}</th>" for lab in labs)
    not_graded = f"<h2>Not graded ({len(apart)})</h2><ul class='apart'>{''.join(apart)}</ul>" if apart else ""
    skipped_list = (
        f"<h2>Skipped entries ({len(skipped)})</h2><ul class='skipped'>"
        + "".join(f"<li><code>{escape(s.entry)}</code>: {escape(s.reason)}</li>" for s in skipped)
        + "</ul>"
        if skipped
        else ""
    )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Cohort results</title>"
        f"<style>{STYLE} td, th {{ padding: .3rem .6rem; text-align: left; }} "
        ".grid td.cell { text-align: center; color: #fff; font-size: .8rem; min-width: 2.2rem; } "
        ".grid th { font-size: .75rem; vertical-align: bottom; } .wide { overflow-x: auto; } "
        "tr.row-not_gradable, tr.row-error { background: #fff4e5; }</style></head><body>"
        f"<h1>Cohort results: {len(results)} submissions</h1>"
        f"<h2>Share of the points ({len(shares)} graded)</h2>{_histogram(shares)}"
        f"{not_graded}{skipped_list}"
        f"{_concept_table(results, graded_learners)}"
        f"<h2>Per learner</h2><table><tr><th>learner</th><th>status</th>{head}<th>total</th></tr>"
        f"{''.join(rows)}</table></body></html>\n"
    )
