"""course.yml and the grader's checks stay in step."""

from __future__ import annotations

import importlib
import json

from grader.checks import collect, import_modules
from grader.course import course, course_root
from grader.labs import graded_lab_ids, load_spec
from grader.sandbox.engine import step_entries, step_table


def test_course_lists_the_six_labs_in_order() -> None:
    """course.yml names the six labs in order, each graded one with a grader package holding its SPEC."""
    assert [lab["id"][:2] for lab in course()["labs"]] == ["01", "02", "03", "04", "05", "06"]
    for lab_id in graded_lab_ids():
        spec = load_spec(lab_id)
        assert spec is not None
        assert spec.id == lab_id


def test_every_spec_names_steps_its_engine_has() -> None:
    """A lab's steps are entries of its engine's step table or of the extensions it names."""
    for lab_id in graded_lab_ids():
        spec = load_spec(lab_id)
        assert spec is not None
        engine = importlib.import_module(f"grader.sandbox.{spec.engine}")
        table = step_table(engine.STEPS, list(spec.extensions))
        listed = [entry["step"] for entry in step_entries({"steps": spec.steps})]
        assert set(listed) <= set(table), sorted(set(listed) - set(table))
        assert spec.gate in listed


def test_manifest_tests_are_the_checks_that_carry_each_concept() -> None:
    """For each graded lab, course.yml's test lists equal the checks tagged with each concept."""
    for lab in course()["labs"]:
        spec = load_spec(lab["id"])
        if spec is None:
            assert lab["status"] == "planned"
            continue
        carried: dict[str, set[str]] = {}
        for item in collect(import_modules(spec.check_modules)):
            assert item.points > 0, item.id
            for concept in item.concepts:
                carried.setdefault(concept, set()).add(item.id)
        assert {k: set(v["tests"]) for k, v in lab["concepts"].items()} == carried


def test_every_check_has_a_one_line_description() -> None:
    """Each check's docstring states the behaviour it proves (shown in feedback)."""
    for lab_id in graded_lab_ids():
        spec = load_spec(lab_id)
        assert spec is not None
        for item in collect(import_modules(spec.check_modules)):
            assert item.func.__doc__, item.id
            assert item.description.endswith("."), item.id


def test_every_concept_has_a_name_and_a_notebook_heading_to_link_to() -> None:
    """Feedback pages show each concept's name and link its section: the heading must be in the notebook.

    The link's anchor is the heading's text with dashes (what JupyterLab gives "## 8 Macros").
    """
    for lab in course()["labs"]:
        if not lab.get("concepts"):
            continue
        notebook = json.loads((course_root() / lab["notebook"]).read_text())
        headings = {
            line.lstrip("#").strip()
            for cell in notebook["cells"]
            if cell["cell_type"] == "markdown"
            for line in "".join(cell["source"]).splitlines()
            if line.startswith("#")
        }
        for concept, entry in lab["concepts"].items():
            assert entry.get("name"), concept
            assert entry["section"] in headings, (lab["id"], concept, entry["section"])
