"""Find a cohort's submissions: folders shaped like labs/, and .zip or .tar.gz archives extracted with care.

Every entry of the submissions folder ends up in exactly one place: a Submission to grade, or an
entry of ``Intake.skipped`` with the reason in words (an instructor must never lose a learner
silently). An archive is extracted only if every member stays inside the target folder (no
absolute or ../ names), is a file or a folder (no links, devices), and the whole stays under a
size cap. Messages name the entry as it sits in the submissions folder, never a scratch path.
"""

from __future__ import annotations

import stat
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.labs import lab_ids

MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 20_000
# suffixes (compared in lower case) of the archives a learner may hand in, longest first
ARCHIVES = (".tar.gz", ".tgz", ".zip")


@dataclass(frozen=True)
class Submission:
    learner: str
    workspace: Path | None  # None when the submission could not be opened
    problem: str = ""
    source: str = ""  # the entry's name in the submissions folder: alice/, alice.zip
    duplicate: bool = False  # two entries map to this learner: neither is graded


@dataclass(frozen=True)
class Skipped:
    entry: str
    reason: str


@dataclass
class Intake:
    submissions: list[Submission] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class UnsafeArchive(ValueError):
    pass


UnsafeZip = UnsafeArchive  # the name earlier releases used


def archive_suffix(name: str) -> str | None:
    lower = name.lower()
    return next((s for s in ARCHIVES if lower.endswith(s) and len(lower) > len(s)), None)


def find_submissions(folder: Path, scratch: Path) -> Intake:
    intake = Intake()
    claimed: dict[str, list[Path]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            intake.skipped.append(Skipped(entry.name, "hidden (its name starts with a dot)"))
        elif entry.is_dir():
            claimed.setdefault(entry.name, []).append(entry)
        elif (suffix := archive_suffix(entry.name)) is not None:
            claimed.setdefault(entry.name[: -len(suffix)], []).append(entry)
        else:
            intake.skipped.append(
                Skipped(entry.name, "not a folder, a .zip or a .tar.gz (a submission is one of those)")
            )
    # alice/ and alice.zip (or Alice.zip, on a case-insensitive disk) would share one report folder
    by_key: dict[str, list[str]] = {}
    for learner in claimed:
        by_key.setdefault(learner.casefold(), []).append(learner)
    for names in by_key.values():
        entries = [e for name in names for e in claimed[name]]
        if len(entries) > 1:
            shown = " and ".join(_shown(e) for e in entries)
            problem = (
                f"{shown} map to the same learner name {names[0]!r}: neither was graded. "
                "Rename or remove one of them and grade again."
            )
            intake.submissions.append(Submission(names[0], None, problem, shown, duplicate=True))
            continue
        intake.submissions.append(_open(names[0], entries[0], scratch))
    intake.submissions.sort(key=lambda s: s.learner)
    return intake


def _shown(entry: Path) -> str:
    return entry.name + ("/" if entry.is_dir() else "")


def _open(learner: str, entry: Path, scratch: Path) -> Submission:
    if entry.is_dir():
        return Submission(learner, entry, source=_shown(entry))
    try:
        return Submission(learner, extract_archive(entry, scratch / learner), source=entry.name)
    except (UnsafeArchive, zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Submission(learner, None, f"The submission {entry.name} could not be opened: {reason}.", entry.name)


def extract_archive(archive: Path, target: Path) -> Path:
    """Extract a .zip or .tar.gz into ``target`` and return the folder shaped like labs/."""
    if archive_suffix(archive.name) == ".zip":
        return extract_zip(archive, target)
    return extract_tar(archive, target)


def _check_members(names: list[tuple[str, int, str]]) -> None:
    """(name, size, "file" | "dir" | "other") of every member: refuse what could escape or explode."""
    if len(names) > MAX_ARCHIVE_MEMBERS:
        raise UnsafeArchive(f"it holds {len(names)} files (at most {MAX_ARCHIVE_MEMBERS})")
    if sum(size for _, size, _ in names) > MAX_ARCHIVE_BYTES:
        raise UnsafeArchive(f"it unpacks to more than {MAX_ARCHIVE_BYTES // 2**20} MB")
    for name, _, kind in names:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or "\\" in name:
            raise UnsafeArchive(f"the path {name!r} would land outside the submission")
        if kind == "other":
            raise UnsafeArchive(f"{name!r} is a symbolic link or a special file")
    if not any(kind == "file" for _, _, kind in names):
        raise UnsafeArchive("the archive is empty (it holds no files)")


def extract_zip(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        _check_members([(m.filename, m.file_size, _zip_kind(m)) for m in members])
        target.mkdir(parents=True, exist_ok=True)
        zf.extractall(target)
    return _labs_root(target)


def _zip_kind(member: zipfile.ZipInfo) -> str:
    if stat.S_ISLNK(member.external_attr >> 16):
        return "other"
    return "dir" if member.is_dir() else "file"


def extract_tar(archive: Path, target: Path) -> Path:
    with tarfile.open(archive, "r:*") as tf:
        members = tf.getmembers()
        _check_members([(m.name, m.size, "file" if m.isfile() else "dir" if m.isdir() else "other") for m in members])
        target.mkdir(parents=True, exist_ok=True)
        # the "data" filter also drops permissions that could make a file executable or setuid
        tf.extractall(target, filter="data")
    return _labs_root(target)


def _labs_root(folder: Path) -> Path:
    """An archive may hold the lab folders directly or inside one top folder (e.g. labs/)."""
    children = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if any(p.name in lab_ids() for p in children):
        return folder
    if len(children) == 1 and children[0].is_dir():
        return _labs_root(children[0])
    return folder
