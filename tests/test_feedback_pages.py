"""The feedback pages lead with what to study next, group failures by concept, and link what they name.

Rendered from hand-made reports here (fast); tests/test_pages_in_browser.py opens real gradings'
pages in a browser.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from grader.model import LabReport, Status, TestResult, Tier
from grader.reports import write_reports
from grader.reports.cohort_page import cohort_page
from grader.reports.feedback import feedback
from grader.submissions import Skipped
from tests.conftest import LAB01, SOLUTIONS


def result(test_id: str, concepts: tuple[str, ...], score: float, points: float = 2.0) -> TestResult:
    status = "passed" if score == points else "failed"
    title = f"The {test_id.split('.')[1].replace('_', ' ')} check."
    return TestResult(
        test_id, Tier(test_id.split(".")[0]), concepts, score, points, status, f"{title}\nFound: x", title
    )


def report(*tests: TestResult, status: Status = Status.GRADED, problems: tuple[str, ...] = (), workspace: str = "/w"):
    return LabReport(LAB01, workspace, "local", status, tests=tests, problems=problems)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if tag == "a" and name == "href" and value]


def links(page: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text())
    return parser.hrefs


def unresolved(page: Path) -> list[str]:
    """Links of ``page`` that do not reach a file (fragments aside)."""
    return [h for h in links(page) if not (page.parent / unquote(urlsplit(h).path)).resolve().is_file()]


def test_start_here_names_the_weakest_concepts_in_notebook_order(tmp_path: Path) -> None:
    """The two or three lowest-scoring concepts, shown in the order the notebook teaches them."""
    graded = report(
        result("unit.macro_check", ("dbt.macros",), 0),  # section 8, 0%
        result("integration.incremental_check", ("dbt.incremental",), 1),  # section 6, 50%
        result("definition.seed_check", ("dbt.seeds",), 0),  # section 3, 0%
        result("definition.docs_check", ("dbt.docs",), 0, 4),  # section 12, 0%
        result("validation.packages_check", ("dbt.packages",), 2),  # passed
    )
    view = feedback(graded, tmp_path)
    assert [c.name for c in view.start_here] == ["Seeds", "Macros", "Documentation"]
    assert [c.id for c in view.failing] == ["dbt.seeds", "dbt.incremental", "dbt.macros", "dbt.docs"]
    assert view.start_here[1].href.endswith("01_dbt_models.ipynb#8-Macros")


def test_failures_are_grouped_by_concept_with_sentence_titles_and_every_link_resolves(tmp_path: Path) -> None:
    """Each failing test sits under its concept with its one-sentence title; links reach the notebook."""
    graded = report(
        result("unit.macro_check", ("dbt.macros", "dbt.macro_pivot"), 0),
        result("definition.seed_check", ("dbt.seeds",), 0),
        result("validation.packages_check", ("dbt.packages",), 2),
    )
    write_reports(graded, tmp_path / "r")
    page = tmp_path / "r" / "feedback.html"
    html = page.read_text()
    assert html.index("id='start-here'") < html.index("To fix, by concept")
    assert html.index("<strong>Seeds</strong>") < html.index("<strong>Macros</strong>")
    assert "The macro check check." in html
    assert links(page)
    assert unresolved(page) == []
    markdown = (tmp_path / "r" / "feedback.md").read_text()
    assert "## Start here" in markdown
    assert "### Macros: 0 / 2 points, [section 8 Macros, exercises 8.1, 8.2](" in markdown


def test_a_not_gradable_page_says_what_where_and_what_to_do(tmp_path: Path) -> None:
    """dbt's parse error names the file and line: the page links that file and lists the next steps."""
    workspace = tmp_path / "ws"
    shutil.copytree(SOLUTIONS / LAB01, workspace / LAB01)
    problem = (
        "dbt could not parse the project, so nothing can be graded yet.\nEncountered an error:\nParsing Error\n"
        "  Error reading fernhill: marts/_marts.yml - Runtime Error\n    Syntax error near line 3\n"
    )
    broken = report(status=Status.NOT_GRADABLE, problems=(problem,), workspace=str(workspace))
    write_reports(broken, tmp_path / "r")
    page = tmp_path / "r" / "feedback.html"
    html = page.read_text()
    assert "Why this could not be graded" in html
    assert "marts/_marts.yml, line 3</a>" in html
    assert "What to do" in html
    assert "make grade LAB=01" in html
    assert unresolved(page) == []
    assert any(h.endswith("warehouse/models/marts/_marts.yml") for h in links(page))


def test_cohort_page_shows_where_the_cohort_struggles_and_encodes_every_link(tmp_path: Path) -> None:
    """Hardest concept first, not gradable apart with its reason, skipped entries listed, links encoded."""
    odd = "Ann #2 (50%) Zoë"
    results = {
        odd: [
            report(result("unit.macro_check", ("dbt.macros",), 0), result("definition.seed_check", ("dbt.seeds",), 2))
        ],
        "bo": [
            report(result("unit.macro_check", ("dbt.macros",), 2), result("definition.seed_check", ("dbt.seeds",), 2))
        ],
        "eve": [report(status=Status.NOT_GRADABLE, problems=("No folder 01_dbt_models/ in eve/: ...",))],
    }
    page = cohort_page(results, [LAB01], skipped=[Skipped("notes.txt", "not a folder")])
    assert "Ann%20%232%20%2850%25%29%20Zo%C3%AB/01_dbt_models/feedback.html" in page
    assert page.index("<th title='01_dbt_models: dbt.macros'>Macros</th>") < page.index(
        "<th title='01_dbt_models: dbt.seeds'>Seeds</th>"
    )
    assert "Share of the points (2 graded)" in page
    assert "Not graded (1)" in page
    assert "No folder 01_dbt_models/ in eve/" in page
    assert "<code>notes.txt</code>: not a folder" in page
