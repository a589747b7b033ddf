"""course.yml, the lab manifest: which notebook section and exercise teach each concept."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
COURSE_FILE = REPO_ROOT / "course.yml"


@lru_cache(maxsize=1)
def course() -> dict[str, Any]:
    if not COURSE_FILE.exists():
        return {"labs": []}
    return yaml.safe_load(COURSE_FILE.read_text())


def lab_entry(lab_id: str) -> dict[str, Any]:
    return next((lab for lab in course()["labs"] if lab["id"] == lab_id), {})


def explained_in(lab_id: str, concepts: tuple[str, ...]) -> str:
    """'notebook section 4 (Sources), exercise 4.1' for the first concept the manifest maps."""
    lab = lab_entry(lab_id)
    for concept in concepts:
        entry = (lab.get("concepts") or {}).get(concept)
        if entry:
            return f"{lab['notebook']}, section {entry['section']}, exercise {entry['exercise']}"
    return ""
