"""What a feedback page says, as data: the HTML and Markdown pages both render this view.

A learner reads the page to decide what to do next, so it leads with "start here" (the two or
three weakest concepts, in the order the notebook teaches them, each linked to its section),
then the failures grouped by concept, then what passed. Concept names, sections and exercises
come from course.yml; links are relative to the report folder, so they open offline.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from grader.course import course_root, lab_entry
from grader.model import LabReport, Status, TestResult

START_HERE = 3


@dataclass(frozen=True)
class ConceptView:
    id: str
    name: str
    section: str  # "8 Macros": the notebook heading
    exercise: str
    order: tuple[int, ...]  # where the notebook teaches it: section, then exercise numbers
    score: float
    max_score: float
    tests: tuple[TestResult, ...] = ()  # the tests shown under it (each test under its first concept)
    href: str = ""  # the notebook, relative to the report folder, at the section's anchor

    @property
    def share(self) -> float:
        return self.score / self.max_score if self.max_score else 1.0

    @property
    def where(self) -> str:
        """ "section 8 Macros, exercise 8.1": where the notebook teaches it."""
        if not self.exercise:
            return f"section {self.section}"
        return f"section {self.section}, {'exercises' if ',' in self.exercise else 'exercise'} {self.exercise}"


@dataclass(frozen=True)
class Feedback:
    report: LabReport
    title: str  # the lab's title from course.yml
    notebook: str  # relative href of the lab notebook ("" when the course has none)
    concepts: tuple[ConceptView, ...]  # every concept the report's tests carry, in notebook order
    start_here: tuple[ConceptView, ...]
    problems: tuple[Problem, ...] = field(default=())

    @property
    def failing(self) -> tuple[ConceptView, ...]:
        return tuple(c for c in self.concepts if any(t.status != "passed" for t in c.tests))


@dataclass(frozen=True)
class Problem:
    """One thing that went wrong outside the tests, with the file it names (when it names one)."""

    heading: str  # "dbt build on PostgreSQL", "Not gradable"
    text: str
    where: str = ""  # "models/marts/_marts.yml, line 3"
    href: str = ""  # that file, relative to the report folder, when it is in the checkout


def feedback(report: LabReport, folder: Path) -> Feedback:
    entry = lab_entry(report.lab)
    notebook = _relative(course_root() / entry["notebook"], folder) if entry.get("notebook") else ""
    views = _concepts(report, entry.get("concepts") or {}, notebook)
    weakest = sorted((c for c in views if c.share < 1), key=lambda c: (c.share, c.order))[:START_HERE]
    return Feedback(
        report=report,
        title=str(entry.get("title") or report.lab),
        notebook=notebook,
        concepts=tuple(views),
        start_here=tuple(sorted(weakest, key=lambda c: c.order)),
        problems=tuple(_problem(p, report, folder) for p in dict.fromkeys(report.problems)),
    )


def concept_points(report: LabReport) -> dict[str, tuple[float, float]]:
    """Concept -> (score, max_score) over every test carrying it (a test counts for each of its concepts)."""
    points: dict[str, tuple[float, float]] = {}
    for test in report.tests:
        for concept in test.concepts or ("other",):
            score, possible = points.get(concept, (0.0, 0.0))
            points[concept] = (score + test.score, possible + test.max_score)
    return points


def _concepts(report: LabReport, manifest: dict, notebook: str) -> list[ConceptView]:
    shown: dict[str, list[TestResult]] = {}  # every test once, under its first concept
    for test in report.tests:
        shown.setdefault((test.concepts or ("other",))[0], []).append(test)
    views = []
    for concept, (score, possible) in concept_points(report).items():
        info = manifest.get(concept) or {}
        section = str(info.get("section", ""))
        views.append(
            ConceptView(
                id=concept,
                name=str(info.get("name") or concept),
                section=section,
                exercise=str(info.get("exercise", "")),
                order=_numbers(section) + _numbers(str(info.get("exercise", ""))) or (10_000,),
                score=score,
                max_score=possible,
                tests=tuple(shown.get(concept, ())),
                href=f"{notebook}#{section_anchor(section)}" if notebook and section else notebook,
            )
        )
    return sorted(views, key=lambda c: (c.order, c.id))


def section_anchor(section: str) -> str:
    """The id JupyterLab gives the heading "## 8 Macros": its text with spaces as dashes."""
    return quote(section.replace(" ", "-"), safe="-_.()!*'")


def _numbers(text: str) -> tuple[int, ...]:
    match = re.match(r"\s*(\d+(?:\.\d+)*)", text)
    return tuple(int(n) for n in match.group(1).split(".")) if match else ()


def _relative(target: Path, folder: Path) -> str:
    return quote(os.path.relpath(target.resolve(), folder.resolve()).replace(os.sep, "/"))


# "models/marts/_marts.yml, line 3", "in file models/x.yml", "(models/marts/orders.sql)", "dags/a.py:12"
_FILE = re.compile(
    r"(?P<path>(?:[\w.-]+/)*[\w.-]+\.(?:sql|yml|yaml|py|csv|json|ipynb|toml|cfg|md))"
    r"(?:(?::| line |, line |\", line |\)?, line )(?P<line>\d+))?"
)


def _problem(text: str, report: LabReport, folder: Path) -> Problem:
    heading, sep, rest = text.partition(": ")
    if report.status is not Status.GRADED or not sep or len(heading) > 60 or "\n" in heading:
        heading = "The grader could not run" if report.status is Status.ERROR else "Why this could not be graded"
        heading, rest = (heading, text) if report.status is not Status.GRADED else ("Problem", text)
    where, href = "", ""
    match = _FILE.search(text)
    if match:
        line = match.group("line") or _line_after(text, match.end())
        where = match.group("path") + (f", line {line}" if line else "")
        href = _find_in_checkout(match.group("path"), report, folder)
    return Problem(heading=heading, text=rest, where=where, href=href)


def _line_after(text: str, start: int) -> str:
    """dbt says "Syntax error near line 3" a line or two after the file it names."""
    found = re.compile(r"\bline (\d+)").search(text, start, start + 300)
    return found.group(1) if found else ""


def _find_in_checkout(path: str, report: LabReport, folder: Path) -> str:
    """The file a problem names, in the learner's workspace, when the workspace is a folder here.

    dbt names files from the project (models/marts/x.sql) or from models/ (marts/_marts.yml).
    """
    workspace = Path(report.workspace)
    lab = workspace / report.lab
    if not workspace.is_absolute() or not lab.is_dir():
        return ""
    wanted = PurePosixPath(path).parts
    for candidate in sorted(lab.rglob(PurePosixPath(path).name))[:50]:
        if candidate.is_file() and candidate.relative_to(lab).parts[-len(wanted) :] == wanted:
            return _relative(candidate, folder)
    return ""


def what_to_do(view: Feedback) -> list[str]:
    """The next steps a page ends its problems with: from what the problems name, then by status."""
    report = view.report
    lab = report.lab.split("_")[0]
    if report.status is Status.ERROR:
        return [
            "This is not a verdict on your work: the grader itself could not run (see above).",
            "Check that Docker runs (`docker info`) when grading in containers, or grade locally with "
            f"`grader check {lab} --isolation local`; an instructor sees the same message in the gradebook.",
        ]
    if report.status is not Status.NOT_GRADABLE:
        return []
    text = "\n".join(p.text for p in view.problems)
    located = [p.where for p in view.problems if p.where]
    if located:
        first = f"Open {located[0]} and fix what the message says (dbt's own words, with the line it stopped at)."
    elif "could not be opened" in text:
        first = "Make the archive again from your labs/ folder (e.g. `zip -r yourname.zip labs`) and hand it in again."
    elif "No folder" in text:
        first = f"Hand in a folder shaped like labs/: {report.lab}/ at its top, or inside one labs/ folder."
    else:
        first = "Fix what the message above says; the starter in labs/ shows where each file belongs."
    return [
        first,
        f"Run `make grade LAB={lab}` (or `grader check {lab}`) again: nothing is scored until the project "
        "loads, so one fix can bring back many points.",
        "Stuck? Compare with the starter: `git diff labs/` shows what you changed.",
    ]


def test_details(test: TestResult) -> str:
    """The test's message without its title line and the "Learn:" line (the page links the section)."""
    lines = test.message.splitlines()
    if lines and lines[0] == (test.title or lines[0]):
        lines = lines[1:]
    return "\n".join(line for line in lines if not line.startswith("Learn: "))
