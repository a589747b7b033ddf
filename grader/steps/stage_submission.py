"""Copy the submission into the job's folder: the job never writes into the learner's files.

Symbolic links are not copied (one could point at the grader's or another learner's files), and
build output the learner left behind (target/, a warehouse file) is skipped so every run starts
clean.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from grader.context import Context

SKIPPED_NAMES = {
    "target",
    "dbt_packages",
    "logs",
    ".ipynb_checkpoints",
    "__pycache__",
    ".git",
    ".venv",
    "package-lock.yml",
    ".airflow",
}
SKIPPED_SUFFIXES = {".duckdb", ".wal"}
MAX_FILE_BYTES = 20 * 1024 * 1024


def run(ctx: Context) -> None:
    assert ctx.lab_dir is not None
    assert ctx.work_dir is not None
    target = ctx.work_dir / "submission" / ctx.spec.id
    skipped = _copy_tree(ctx.lab_dir, target)
    if skipped:
        ctx.problems.append(
            "Not copied for grading: " + ", ".join(skipped[:10]) + (" ..." if len(skipped) > 10 else "")
        )
    not_utf8 = _not_utf8(target)
    if not_utf8:
        ctx.problems.append(
            "Not UTF-8 text: " + ", ".join(not_utf8[:10]) + ". dbt and Airflow read these files as UTF-8 and "
            "stop at the first byte they cannot decode: save them with the UTF-8 encoding."
        )
    ctx.staged_lab = target


TEXT_SUFFIXES = {".sql", ".yml", ".yaml", ".py", ".md", ".csv", ".json", ".jinja", ".sh", ".txt", ".cfg", ".toml"}


def _not_utf8(root: Path) -> list[str]:
    """The project's text files a tool would fail to read; named here, where the learner can act on it."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix in TEXT_SUFFIXES and path.is_file():
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                found.append(path.relative_to(root).as_posix())
    return found


def _copy_tree(source: Path, target: Path) -> list[str]:
    skipped: list[str] = []
    for root, dirs, files in os.walk(source, followlinks=False):
        here = Path(root)
        rel = here.relative_to(source)
        for name in list(dirs):
            if name in SKIPPED_NAMES or (here / name).is_symlink():
                dirs.remove(name)
                if (here / name).is_symlink():
                    skipped.append(f"{rel / name} (a symbolic link)")
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            path = here / name
            if path.is_symlink():
                skipped.append(f"{rel / name} (a symbolic link)")
            elif path.suffix in SKIPPED_SUFFIXES:
                continue
            elif path.stat().st_size > MAX_FILE_BYTES:
                skipped.append(f"{rel / name} (larger than 20 MB)")
            else:
                shutil.copyfile(path, target / rel / name)
    return skipped
