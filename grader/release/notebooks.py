"""Release a solution notebook with nbgrader's generate_assignment (no gradebook database)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def release_notebook(source: Path, target: Path) -> None:
    """Run ``nbgrader generate_assignment`` on one notebook and write the student version."""
    assignment = source.stem
    with tempfile.TemporaryDirectory(prefix="release-nb-") as tmp:
        root = Path(tmp)
        (root / "source" / assignment).mkdir(parents=True)
        shutil.copy2(source, root / "source" / assignment / source.name)
        cmd = [
            sys.executable,
            "-m",
            "nbgrader",
            "generate_assignment",
            assignment,
            f"--CourseDirectory.root={root}",
            "--no-db",
            "--force",
            "--log-level=WARN",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        produced = root / "release" / assignment / source.name
        if done.returncode != 0 or not produced.exists():
            raise RuntimeError(f"nbgrader generate_assignment failed for {source}:\n{done.stdout}{done.stderr}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(produced, target)
