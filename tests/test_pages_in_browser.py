"""The feedback and cohort pages, opened in a real headless browser (chromium, DevTools protocol).

Read from lab 01's batch (tests/conftest.py): real gradings of the solution, the starter, wrong
fixtures and the cohort's odd entries. Each page must load offline with no console error, every
link must reach a file in the report folder or the checkout (a notebook link: a heading of that
notebook), and "start here" must name the right concepts. Screenshots of a solution, a starter,
a not-gradable page and the cohort page are kept in test-artifacts/pages/ (TEST_ARTIFACTS
elsewhere) for a reviewer.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from grader.course import exercise_numbers, lab_entry
from tests.browser import Browser, find_browser
from tests.conftest import LAB01, LAB04, REPO, SOLUTION, STARTER, ZIPPED, Batch, graded_batch

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_browser() is None and os.environ.get("CI") != "true", reason="no chromium here"),
]
SHOTS = Path(os.environ.get("TEST_ARTIFACTS", REPO / "test-artifacts")) / "pages"
FIXTURE = "fails_revenue_includes_returns"  # two failing tests, two concepts
PAGES = {  # learner -> screenshot name (None: checked, not kept)
    SOLUTION: "solution",
    STARTER: "starter",
    "eve": "not_gradable",
    FIXTURE: None,
    ZIPPED: None,
    "fay": None,
    "gil": None,
}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    opened = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    return graded_batch(tmp_path_factory, LAB01)


def headings(notebook: Path) -> set[str]:
    """The anchors JupyterLab gives a notebook's headings: their text, spaces as dashes."""
    cells = json.loads(notebook.read_text())["cells"]
    return {
        line.lstrip("#").strip().replace(" ", "-")
        for cell in cells
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("#")
    }


def broken_links(links: list[str], roots: tuple[Path, ...]) -> list[str]:
    broken = []
    for link in links:
        parts = urlsplit(link)
        path = Path(unquote(parts.path))
        inside = any(path.resolve().is_relative_to(root.resolve()) for root in roots)
        missing = parts.scheme != "file" or not inside or not path.is_file()
        if missing or (parts.fragment and path.suffix == ".ipynb" and unquote(parts.fragment) not in headings(path)):
            broken.append(link)
    return broken


def test_pages_load_offline_without_errors_and_every_link_resolves(batch: Batch, browser: Browser) -> None:
    """Feedback pages of graded, not gradable and error reports, and the cohort page, in the browser."""
    roots = (batch.folder.parent, REPO)  # the reports, the learners' workspaces, the course checkout
    pages = {learner: batch.folder / learner / LAB01 / "feedback.html" for learner in PAGES}
    pages["cohort"] = batch.folder / "index.html"
    for learner, path in pages.items():
        shot = PAGES.get(learner, "cohort")
        page = browser.open(path.as_uri(), screenshot=SHOTS / f"{shot}.png" if shot else None)
        assert page.errors == [], (learner, page.errors)
        assert [r for r in page.requests if not r.startswith(("file:", "data:"))] == [], learner
        assert broken_links(page.links, roots) == [], learner
        assert page.links or learner in ("fay", "gil"), learner
    for shot in ("solution", "starter", "not_gradable", "cohort"):
        assert (SHOTS / f"{shot}.png").stat().st_size > 10_000


def test_a_dag_lab_page_draws_every_dag(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> None:
    """Lab 04's solution page draws each DAG as its own band of tasks, and loads without errors."""
    batch = graded_batch(tmp_path_factory, LAB04)
    path = batch.folder / SOLUTION / LAB04 / "feedback.html"
    page = browser.open(path.as_uri(), screenshot=SHOTS / "solution_lab04.png", texts=("figure svg[role=img]",))
    assert page.errors == []
    assert broken_links(page.links, (batch.folder.parent, REPO)) == []
    dags = {node["group"] for node in batch.reports[SOLUTION]["work"]["nodes"]}
    assert {"fernhill_orders_daily", "fernhill_supplier_feed"} <= dags
    assert all(dag in page.texts["figure svg[role=img]"] for dag in dags)


def concept_names(ids: list[str]) -> list[str]:
    """Names of concepts, in the order the notebook teaches them (section, then exercise)."""
    concepts = lab_entry(LAB01)["concepts"]

    def order(concept: str) -> tuple[int, ...]:
        entry = concepts[concept]
        first = exercise_numbers(entry)[0]  # "13.1, 13.2": the page orders by the first
        return (int(entry["section"].split()[0]), *map(int, first.split(".")))

    return [concepts[c]["name"] for c in sorted(ids, key=order)]


def test_start_here_names_the_concepts_to_study_next(batch: Batch, browser: Browser) -> None:
    """A wrong submission's "start here" names its failing tests' concepts; the starter's: the first three."""
    fixture = batch.reports[FIXTURE]
    failing = sorted({c for t in fixture["tests"] if t["status"] != "passed" for c in t["concepts"]})
    assert len(failing) <= 3  # all of them fit in "start here"
    starter = batch.reports[STARTER]
    first_three = concept_names(sorted({c for t in starter["tests"] for c in t["concepts"]}))[:3]
    for learner, expected in ((FIXTURE, concept_names(failing)), (STARTER, first_three)):
        path = batch.folder / learner / LAB01 / "feedback.html"
        page = browser.open(path.as_uri(), texts=("#start-here ol",))
        shown = [line.split(" (")[0] for line in page.texts["#start-here ol"].splitlines() if line.strip()]
        assert shown == expected, learner


class ServeFiles(SimpleHTTPRequestHandler):
    """Serves /files/<absolute path> under the allowed roots, as JupyterLab's /files/ does."""

    roots: tuple[Path, ...] = ()

    def translate_path(self, path: str) -> str:
        wanted = Path(unquote(urlsplit(path).path).removeprefix("/files"))
        if any(wanted.resolve().is_relative_to(r.resolve()) for r in self.roots):
            return str(wanted)
        return "/nonexistent"

    def log_message(self, *args: object) -> None:
        pass


def test_served_by_jupyterlab_the_notebook_links_open_in_jupyterlab(batch: Batch, browser: Browser) -> None:
    """Under /files/ (JupyterLab serving the page), the notebook links become /lab/tree/ links to the same file."""
    handler = type("Handler", (ServeFiles,), {"roots": (batch.folder, REPO)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory="/"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        page = browser.open(f"{base}/files{batch.folder / STARTER / LAB01 / 'feedback.html'}")
        notebook = REPO / lab_entry(LAB01)["notebook"]
        links = [link for link in page.links if ".ipynb" in link]
        assert links
        assert {urlsplit(link).path for link in links} == {f"/lab/tree{notebook}"}
        assert page.errors == []
    finally:
        server.shutdown()
