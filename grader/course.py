"""course.yml, the lab manifest: the labs, and which notebook section and exercise teach each concept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
COURSE_FILE = REPO_ROOT / "course.yml"
_OTHER_COURSE: list[Path] = []  # set by use_course() (a test's throwaway course)


def course_file() -> Path:
    return _OTHER_COURSE[-1] if _OTHER_COURSE else COURSE_FILE


def course_root() -> Path:
    """The folder holding course.yml, solutions/ and labs/."""
    return course_file().parent


@contextmanager
def use_course(file: Path) -> Iterator[None]:
    """Read another course.yml (and its solutions/) for a while: a throwaway lab in a test, say."""
    _OTHER_COURSE.append(file.resolve())
    try:
        yield
    finally:
        _OTHER_COURSE.pop()


def course() -> dict[str, Any]:
    return _load(course_file())


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"labs": []}
    return yaml.safe_load(path.read_text())


def lab_entry(lab_id: str) -> dict[str, Any]:
    return next((lab for lab in course()["labs"] if lab["id"] == lab_id), {})


def explained_in(lab_id: str, concepts: tuple[str, ...]) -> str:
    """'notebook section 4 (Sources), exercise 4.1' for the first concept the manifest maps."""
    lab = lab_entry(lab_id)
    for concept in concepts:
        entry = (lab.get("concepts") or {}).get(concept)
        if entry:
            numbers = exercise_numbers(entry)
            said = f"exercises {', '.join(numbers)}" if len(numbers) > 1 else f"exercise {numbers[0]}"
            return f"{lab['notebook']}, section {entry['section']}, {said}"
    return ""


def exercise_numbers(entry: dict[str, Any]) -> list[str]:
    """A concept's exercises: ``exercise: "15.1"``, or several that teach it together, ``"15.1, 15.2"``."""
    return [n.strip() for n in str(entry.get("exercise", "")).split(",") if n.strip()]
