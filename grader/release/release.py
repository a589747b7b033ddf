"""Write labs/ from solutions/: copy files, strip solution regions, release notebooks.

A file that cannot hold solution markers (JSON has no comments) has a starter twin beside it:
``pools.starter.json`` is released as ``pools.json``, in place of the solution's ``pools.json``.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path

from grader.release.markers import STRIPPED_SUFFIXES, strip_file
from grader.release.notebooks import release_notebook

# Build output and local state a solution folder may hold after someone ran it: never released.
IGNORED_NAMES = {
    "target",
    "dbt_packages",
    "logs",
    "package-lock.yml",
    ".ipynb_checkpoints",
    "__pycache__",
    ".user.yml",
    "data",
    ".airflow",
}
IGNORED_SUFFIXES = {".duckdb", ".wal", ".pyc"}


def _ignored(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return any(p in IGNORED_NAMES for p in parts) or path.suffix in IGNORED_SUFFIXES


STARTER_TWIN = ".starter"


def _starter_name(path: Path) -> Path | None:
    """``pools.starter.json`` -> ``pools.json``: the name a starter twin is released under."""
    stem = Path(path.stem)
    return path.with_name(stem.stem + path.suffix) if stem.suffix == STARTER_TWIN else None


def release_lab(solution_dir: Path, lab_dir: Path) -> list[Path]:
    """Release one lab; returns the files written."""
    if lab_dir.exists():
        shutil.rmtree(lab_dir)
    written: list[Path] = []
    sources = sorted(p for p in solution_dir.rglob("*") if p.is_file())
    replaced = {twin for p in sources if (twin := _starter_name(p)) is not None}
    for source in sources:
        if _ignored(source, solution_dir) or source in replaced:
            continue
        target = lab_dir / (_starter_name(source) or source).relative_to(solution_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".ipynb":
            release_notebook(source, target)
        elif source.suffix in STRIPPED_SUFFIXES:
            target.write_text(strip_file(source))
            shutil.copymode(source, target)
        else:
            shutil.copy2(source, target)
        written.append(target)
    return written


def release_all(repo: Path, labs: list[str] | None = None) -> list[Path]:
    solutions = repo / "solutions"
    names = labs or sorted(p.name for p in solutions.iterdir() if p.is_dir())
    written: list[Path] = []
    for name in names:
        written += release_lab(solutions / name, repo / "labs" / name)
    return written


def diff_release(repo: Path) -> list[str]:
    """Release into a temporary folder and list every file that differs from labs/."""
    with tempfile.TemporaryDirectory(prefix="release-check-") as tmp:
        fresh = Path(tmp) / "labs"
        for lab in sorted(p for p in (repo / "solutions").iterdir() if p.is_dir()):
            release_lab(lab, fresh / lab.name)
        return _differences(fresh, repo / "labs")


def _differences(expected: Path, actual: Path) -> list[str]:
    def files(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and not _ignored(p, root)}

    want, have = files(expected), files(actual) if actual.exists() else set()
    problems = [f"missing in labs/: {name}" for name in sorted(want - have)]
    problems += [f"not produced by the release: {name}" for name in sorted(have - want)]
    problems += [
        f"differs from a fresh release: {name}"
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return problems
