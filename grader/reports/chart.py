"""A small SVG bar chart of the score per tier: readable offline, no plotting library needed."""

from __future__ import annotations

from xml.sax.saxutils import escape

from grader.model import LabReport

WIDTH, ROW, LABEL, BAR = 560, 30, 110, 330


def tier_chart(report: LabReport) -> str:
    tiers = report.tiers
    height = ROW * (len(tiers) + 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        'font-family="sans-serif" font-size="13">',
        f'<text x="0" y="18" font-weight="bold">{escape(report.lab)}: {report.score:g} / '
        f"{report.max_score:g} points</text>",
    ]
    for i, (name, tier) in enumerate(tiers.items(), start=1):
        y = i * ROW + 8
        share = tier.score / tier.max_score if tier.max_score else 0
        colour = "#3c9a5f" if share == 1 else "#e0a526" if share >= 0.5 else "#c8553d"
        parts += [
            f'<text x="0" y="{y + 15}">{escape(name)}</text>',
            f'<rect x="{LABEL}" y="{y}" width="{BAR}" height="20" fill="#eee" rx="3"/>',
            f'<rect x="{LABEL}" y="{y}" width="{BAR * share:.1f}" height="20" fill="{colour}" rx="3"/>',
            f'<text x="{LABEL + BAR + 10}" y="{y + 15}">{tier.score:g} / {tier.max_score:g}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
