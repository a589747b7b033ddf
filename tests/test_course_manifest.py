"""course.yml and the grader's checks stay in step."""

from __future__ import annotations

from grader.checks import collect, import_modules
from grader.course import course
from grader.labs import LAB_MODULES, load_spec


def test_course_lists_the_six_labs_in_order() -> None:
    """course.yml names the same six labs as the grader."""
    assert [lab["id"] for lab in course()["labs"]] == list(LAB_MODULES)


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
    spec = load_spec("01_dbt_models")
    assert spec is not None
    for item in collect(import_modules(spec.check_modules)):
        assert item.func.__doc__, item.id
        assert item.description.endswith("."), item.id
