"""A picture of the learner's own work: their dbt lineage or their DAGs, failing nodes in red.

The graph is data in report.json (``work``: kind, nodes, edges), drawn here as SVG with a small
layered layout (a node's column is its longest path from a root), one band per connected part
(one per DAG), so it needs no Graphviz and opens offline.

    {"kind": "lineage", "nodes": [{"id": ..., "label": ..., "group": "model", "state": "ok"}], "edges": [[a, b]]}

``state`` is ok, failed (errored, or a test on it failed), skipped or not_run; ``group`` picks the
outline (source, seed, model, snapshot, or a DAG's id for tasks).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

BOX_W, BOX_H, GAP_X, GAP_Y, BAND_GAP, TITLE_H = 140, 24, 28, 8, 24, 20
FILL = {"ok": "#dff0e3", "failed": "#f6d5cf", "skipped": "#eeeeee", "not_run": "#f7f7f7"}
STROKE = {"ok": "#3c9a5f", "failed": "#c8553d", "skipped": "#999999", "not_run": "#bbbbbb"}
MAX_NODES = 150  # a bigger project is drawn in part: the page stays readable


def _components(nodes: list[dict], edges: list[list[str]]) -> list[list[str]]:
    """Weakly connected parts, each in the nodes' order."""
    parent = {n["id"]: n["id"] for n in nodes}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[root(a)] = root(b)
    parts: dict[str, list[str]] = {}
    for n in nodes:
        parts.setdefault(root(n["id"]), []).append(n["id"])
    return list(parts.values())


def _columns(ids: list[str], edges: list[list[str]]) -> dict[str, int]:
    """Longest path from a root; a cycle (never in a valid project) just stops growing."""
    column = dict.fromkeys(ids, 0)
    inside = [(a, b) for a, b in edges if a in column and b in column]
    for _ in range(len(ids)):
        changed = False
        for a, b in inside:
            if column[b] < column[a] + 1:
                column[b], changed = column[a] + 1, True
        if not changed:
            break
    return column


def _rows(part: list[str], edges: list[list[str]], labels: dict[str, str]) -> dict[int, list[str]]:
    """Column -> its nodes top to bottom: the first column in label order, the next ones by their
    parents' mean row (fewer crossing edges)."""
    column = _columns(part, edges)
    parents: dict[str, list[str]] = {}
    for a, b in edges:
        parents.setdefault(b, []).append(a)
    rows: dict[int, list[str]] = {}
    row_of: dict[str, int] = {}
    for col in sorted(set(column.values())):
        placed = {n: [row_of[p] for p in parents.get(n, []) if p in row_of] for n in part if column[n] == col}
        members = sorted(placed, key=lambda n: (sum(placed[n]) / len(placed[n]) if placed[n] else 1e9, labels[n]))
        rows[col] = members
        row_of.update({n: i for i, n in enumerate(members)})
    return rows


def layout(work: dict) -> tuple[dict[str, tuple[float, float]], list[tuple[str, float]], float, float]:
    nodes = work.get("nodes", [])[:MAX_NODES]
    known = {n["id"] for n in nodes}
    edges = [e for e in work.get("edges", []) if e[0] in known and e[1] in known]
    labels = {n["id"]: n.get("label", n["id"]) for n in nodes}
    groups = {n["id"]: n.get("group", "") for n in nodes}
    places: dict[str, tuple[float, float]] = {}
    titles: list[tuple[str, float]] = []
    y0, width = 0.0, 0.0
    banded = work.get("kind") == "DAGs"  # a band per DAG, titled with its dag_id
    # DAGs get a band each; a lineage is one picture, even where a model is not (yet) connected
    for part in _components(nodes, edges) if banded else [[n["id"] for n in nodes]]:
        if banded:
            titles.append((groups[part[0]], y0 + 14))
            y0 += TITLE_H
        rows = _rows(part, edges, labels)
        for col, members in rows.items():
            for row, node in enumerate(members):
                places[node] = (col * (BOX_W + GAP_X), y0 + row * (BOX_H + GAP_Y))
        y0 += max(len(m) for m in rows.values()) * (BOX_H + GAP_Y) + BAND_GAP
        width = max(width, (max(rows) + 1) * (BOX_W + GAP_X))
    return places, titles, width, y0


def work_svg(work: dict) -> str:
    places, titles, width, height = layout(work)
    nodes = {n["id"]: n for n in work.get("nodes", [])}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 10:.0f}" height="{height + 10:.0f}" '
        'font-family="sans-serif" font-size="11" role="img" '
        f'aria-label="{escape(work.get("kind", "graph"))} of your work">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#888"/></marker></defs>',
    ]
    for text, y in titles:
        parts.append(f'<text x="0" y="{y:.0f}" font-weight="bold" font-size="12">{escape(text)}</text>')
    for a, b in work.get("edges", []):
        if a in places and b in places:
            (xa, ya), (xb, yb) = places[a], places[b]
            parts.append(
                f'<line x1="{xa + BOX_W:.0f}" y1="{ya + BOX_H / 2:.0f}" x2="{xb:.0f}" y2="{yb + BOX_H / 2:.0f}" '
                'stroke="#888" marker-end="url(#arrow)"/>'
            )
    for node_id, (x, y) in places.items():
        node = nodes[node_id]
        state = node.get("state", "not_run")
        dashed = ' stroke-dasharray="4 2"' if node.get("group") in ("source", "seed") else ""
        label = str(node.get("label", node_id))
        shown = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<g class="node {escape(state)}"><title>{escape(label)}: {escape(state.replace("_", " "))}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="4" '
            f'fill="{FILL.get(state, "#fff")}" stroke="{STROKE.get(state, "#999")}"{dashed}/>'
            f'<text x="{x + 6:.0f}" y="{y + 17:.0f}">{escape(shown)}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
