"""Find a cohort's submissions: folders shaped like labs/, or .zip files extracted with care.

A zip is extracted only if every member stays inside the target folder (no absolute or ../
names), is a file or a folder (no symbolic links), and the whole stays under a size cap.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.labs import lab_ids

MAX_ZIP_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 20_000


@dataclass(frozen=True)
class Submission:
    learner: str
    workspace: Path | None  # None when the submission could not be opened
    problem: str = ""


class UnsafeZip(ValueError):
    pass


def find_submissions(folder: Path, scratch: Path) -> list[Submission]:
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found.append(Submission(entry.name, entry))
        elif entry.suffix == ".zip":
            learner = entry.stem
            try:
                found.append(Submission(learner, extract_zip(entry, scratch / learner)))
            except (UnsafeZip, zipfile.BadZipFile, OSError) as exc:
                found.append(Submission(learner, None, f"The submission {entry.name} could not be opened: {exc}"))
    return found


def extract_zip(archive: Path, target: Path) -> Path:
    """Extract ``archive`` into ``target`` and return the folder shaped like labs/."""
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UnsafeZip(f"it holds {len(members)} files (at most {MAX_ZIP_MEMBERS})")
        if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
            raise UnsafeZip(f"it unpacks to more than {MAX_ZIP_BYTES // 2**20} MB")
        for member in members:
            name = PurePosixPath(member.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
                raise UnsafeZip(f"the path {member.filename!r} would land outside the submission")
            if stat.S_ISLNK(member.external_attr >> 16):
                raise UnsafeZip(f"{member.filename!r} is a symbolic link")
        target.mkdir(parents=True, exist_ok=True)
        zf.extractall(target)
    return _labs_root(target)


def _labs_root(folder: Path) -> Path:
    """A zip may hold the lab folders directly or inside one top folder (e.g. labs/)."""
    children = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if any(p.name in lab_ids() for p in children):
        return folder
    if len(children) == 1 and children[0].is_dir():
        return _labs_root(children[0])
    return folder
