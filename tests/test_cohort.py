"""`grader grade` grades every submission of a cohort, zips included, into one gradebook."""

from __future__ import annotations

import csv
import html
import json
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from grader.notebook_grading import graded_cells
from grader.submissions import UnsafeZip, extract_archive, extract_zip, find_submissions
from tests.conftest import (
    LAB01,
    LABS,
    SOLUTION,
    STARTER,
    TARRED,
    ZIPPED,
    fixture_submissions,
    graded_batch,
    make_workspace,
    zip_folder,
)

HIDDEN_LINES = [
    line.strip()
    for cell in graded_cells("01_dbt_models", "01_dbt_models.ipynb").values()
    for line in cell["hidden"].splitlines()
    if len(line.strip()) > 6
]


def test_zip_with_a_parent_path_is_refused(tmp_path: Path) -> None:
    """A member named ../x would land outside the submission: the zip is not extracted."""
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as zf:
        zf.writestr("../escape.txt", "out")
    with pytest.raises(UnsafeZip, match="outside the submission"):
        extract_zip(tmp_path / "evil.zip", tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_zip_with_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    """A symbolic link inside a zip could point anywhere: the zip is not extracted."""
    info = zipfile.ZipInfo("01_dbt_models/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeZip, match="symbolic link"):
        extract_zip(tmp_path / "link.zip", tmp_path / "out")


def test_zip_with_a_top_folder_finds_the_labs(tmp_path: Path) -> None:
    """labs/01_dbt_models/... inside a zip is found as the workspace."""
    make_workspace(tmp_path / "src", "01_dbt_models", LABS / "01_dbt_models")
    archive = zip_folder(tmp_path / "src", tmp_path / "cy.zip", "labs")
    assert extract_zip(archive, tmp_path / "out") == tmp_path / "out" / "labs"


@pytest.mark.slow
def test_cohort_is_graded_two_at_a_time_into_one_gradebook(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Folders and archives are graded two at a time, broken ones reported, into one gradebook in learner order.

    The cohort is lab 01's batch (tests/conftest.py): solution, starter, every fixture, and its
    extras: a .ZIP and a .tar.gz under odd names, broken archives, an empty folder, a duplicate
    name, skipped files, notebook tricks.
    """
    batch = graded_batch(tmp_path_factory, LAB01)
    assert batch.returncode == 2  # fay/ and fay.zip claim one name: not graded; the batch went on
    with (batch.folder / "gradebook.csv").open() as f:
        rows = {r["learner"]: r for r in csv.DictReader(f)}
    fixtures = {p.name: yaml.safe_load((p / "expected.yml").read_text()) for p in fixture_submissions(LAB01)}
    assert {k: (v[LAB01], v[f"{LAB01}_status"]) for k, v in rows.items()} == {
        SOLUTION: ("80", "graded"),
        STARTER: ("0", "graded"),
        ZIPPED: ("80", "graded"),
        TARRED: ("0", "graded"),
        "dee": ("0", "not_gradable"),
        "eve": ("0", "not_gradable"),
        "fay": ("0", "error"),
        "gil": ("0", "not_gradable"),
        "gus": ("76", "graded"),  # both notebook exercises lost: its tests could not be trusted
        "hal": ("78", "graded"),  # the test cell is restored from its checksum; the quiz fails
        **{name: (f"{e['score']:g}", e.get("status", "graded")) for name, e in fixtures.items()},
    }
    assert "could not be opened" in batch.reports["dee"]["problems"][0]
    assert "fay/ and fay.zip map to the same learner name 'fay'" in batch.reports["fay"]["problems"][0]
    assert "gil.zip could not be opened: the archive is empty" in batch.reports["gil"]["problems"][0]
    assert batch.reports["eve"]["problems"] == [
        "No folder 01_dbt_models/ in eve/: a workspace is shaped like labs/ (one folder per lab, e.g. 01_dbt_models/)."
    ]
    assert "skipped notes.txt: not a folder, a .zip or a .tar.gz" in batch.stderr
    assert "skipped .DS_Store: hidden" in batch.stderr
    # no message names the grader's scratch folders
    assert not [r for r in batch.reports.values() for p in r["problems"] if "cohort-" in p or "/tmp/" in p]
    gradescope = json.loads((batch.folder / SOLUTION / "gradescope_results.json").read_text())
    assert gradescope["score"] == 80.0
    assert all({"name", "score", "max_score", "output"} <= set(t) for t in gradescope["tests"])
    assert (batch.folder / SOLUTION / LAB01 / "feedback.html").exists()
    assert f"[{len(rows)}/{len(rows)}]" in batch.stderr
    # what learners and instructors read never quotes a hidden test
    shown = [batch.stdout, batch.stderr] + [
        f.read_text(errors="replace") for f in batch.folder.rglob("*") if f.is_file()
    ]
    assert not [line for line in HIDDEN_LINES for text in shown if line in text]
    overview = (batch.folder / "index.html").read_text()
    assert all(f"<td>{html.escape(name)}</td>" in overview for name in rows)
    assert f"{quote(ZIPPED)}/{LAB01}/feedback.html" in overview
    assert "<code>notes.txt</code>" in overview
    # rows in learner order, whatever order the two workers finished in
    assert list(rows) == sorted(rows)


def test_every_entry_is_graded_or_skipped_with_a_reason(tmp_path: Path) -> None:
    """Archives in any case, .tar.gz, duplicates, empty zips, stray files: nothing is lost silently."""
    folder, scratch = tmp_path / "subs", tmp_path / "scratch"
    make_workspace(tmp_path / "src", LAB01, LABS / LAB01)
    folder.mkdir()
    zip_folder(tmp_path / "src", folder / "Dana.ZIP", "labs")
    with tarfile.open(folder / "eve.tar.gz", "w:gz") as tf:
        tf.add(tmp_path / "src", arcname="labs")
    (folder / "alice").mkdir()
    zip_folder(tmp_path / "src", folder / "alice.zip", "x")
    zipfile.ZipFile(folder / "empty.zip", "w").close()
    (folder / "Ann #2 (50%)").mkdir()
    (folder / "notes.txt").write_text("n")
    (folder / ".DS_Store").write_text("n")
    intake = find_submissions(folder, scratch)
    found = {s.learner: s for s in intake.submissions}
    assert set(found) == {"Dana", "eve", "alice", "empty", "Ann #2 (50%)"}
    assert found["Dana"].workspace == scratch / "Dana" / "labs"
    assert found["eve"].workspace == scratch / "eve" / "labs"
    assert (found["eve"].workspace / LAB01 / "warehouse" / "dbt_project.yml").exists()
    assert found["alice"].duplicate
    assert found["alice"].workspace is None
    assert "alice/ and alice.zip map to the same learner name 'alice'" in found["alice"].problem
    assert (
        found["empty"].problem
        == "The submission empty.zip could not be opened: the archive is empty (it holds no files)."
    )
    assert {s.entry for s in intake.skipped} == {"notes.txt", ".DS_Store"}
    assert all(str(scratch) not in s.problem for s in intake.submissions)


def test_tar_with_a_link_is_refused(tmp_path: Path) -> None:
    """A .tar.gz holding a symbolic link is not extracted (tar, like zip, must not reach outside)."""
    with tarfile.open(tmp_path / "t.tar.gz", "w:gz") as tf:
        info = tarfile.TarInfo("01_dbt_models/link")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(info)
    with pytest.raises(UnsafeZip, match="symbolic link"):
        extract_archive(tmp_path / "t.tar.gz", tmp_path / "out")


def test_a_not_gradable_submission_still_exits_0(tmp_path: Path) -> None:
    """Not gradable is a verdict (in the gradebook, with its reason): the cohort command exits 0."""
    (tmp_path / "subs" / "eve").mkdir(parents=True)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader.cli",
            "grade",
            str(tmp_path / "subs"),
            "--lab",
            "01",
            "--isolation",
            "local",
            "--report",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with (tmp_path / "r" / "gradebook.csv").open() as f:
        assert [(r["learner"], r[f"{LAB01}_status"]) for r in csv.DictReader(f)] == [("eve", "not_gradable")]
    assert "eve: 01_dbt_models: 0/0 (not_gradable)" in done.stderr
