"""Records what a sandbox job did, step by step, so a job killed halfway still leaves a record."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class StepFailed(Exception):
    """A step could not do its work; the message is written for the learner."""


class NotGradable(Exception):
    """The submission cannot be graded at all (no project, nothing parses)."""


class Recorder:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.record: dict[str, Any] = {"status": "running", "steps": [], "probes": {}, "problems": []}
        self._progress = (out_dir / "progress.log").open("a", buffering=1)
        self._save()

    def _save(self) -> None:
        tmp = self.out_dir / "job.json.tmp"
        tmp.write_text(json.dumps(self.record, indent=1, default=str))
        tmp.replace(self.out_dir / "job.json")

    def progress(self, text: str) -> None:
        self._progress.write(text + "\n")

    @contextmanager
    def step(self, name: str, label: str):
        """Time one step; a StepFailed is recorded and swallowed so later steps still run."""
        self.progress(f"{label} ...")
        entry: dict[str, Any] = {"name": name, "label": label, "status": "running"}
        self.record["steps"].append(entry)
        self._save()
        start = time.monotonic()
        try:
            yield entry
            entry["status"] = "ok"
        except StepFailed as exc:
            entry["status"] = "failed"
            entry["error"] = str(exc)
        except NotGradable as exc:
            entry["status"] = "failed"
            entry["error"] = str(exc)
            self.record["status"] = "not_gradable"
            self.record["problems"].append(str(exc))
            raise
        finally:
            entry["duration_s"] = round(time.monotonic() - start, 2)
            self._save()
            self.progress(f"{label}: {entry['status']} ({entry['duration_s']:.1f}s)")

    def probe(self, probe_id: str, result: dict[str, Any]) -> None:
        self.record["probes"][probe_id] = result
        self._save()

    def fail_job(self, message: str) -> None:
        self.record["status"] = "crashed"
        self.record["problems"].append(message)

    def finish(self) -> None:
        if self.record["status"] == "running":
            self.record["status"] = "done"
        self._save()
        self._progress.close()


def summary(
    title: str, counts: dict[str, int], problems: list[str], *, attention: bool, hint: str = ""
) -> dict[str, Any]:
    """A step's learner-facing summary: the host prints it, without knowing which tool ran, when ``attention``.

    ``title`` names the tool and where it ran ("dbt build on DuckDB"); ``problems`` are the first
    few things that went wrong, in the tool's own words; ``hint`` says what usually causes them.
    """
    return {"title": title, "counts": counts, "first_problems": problems[:5], "attention": attention, "hint": hint}
