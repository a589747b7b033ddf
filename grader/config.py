"""The grader's settings for container isolation, with defaults that work offline and in a Codespace.

Every value can be overridden with an environment variable of the same name in upper case,
prefixed GRADER_ (e.g. GRADER_MEMORY=4g).
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LABEL = "orchestration-course.grader"  # every container the grader starts carries it, for cleanup
OWNER_LABEL = "orchestration-course.owner"  # ... and the grading process that started it


def cache_root() -> Path:
    """Where the grader keeps what it builds once per machine (the nbgrader gradebook, a PostgreSQL template)."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "orchestration-course"


def container_labels() -> dict[str, str]:
    """The labels of a container or network the grader starts: one grading process can find its own.

    Two gradings at once (two instructors' batches, two test workers) each clean up, and check,
    only what they started themselves.
    """
    return {LABEL: uuid.uuid4().hex, OWNER_LABEL: str(os.getpid())}


def _env(name: str, default: str) -> str:
    return os.environ.get(f"GRADER_{name.upper()}", default)


_shares = {"gradings": 1}  # how many gradings of this process run at once (a cohort's --jobs)
_shares_lock = threading.Lock()


@contextmanager
def concurrent_gradings(count: int) -> Iterator[None]:
    """While ``count`` gradings run at once, each job container gets its share of the cores.

    A fork bomb or a busy loop then slows its own grading only: the learner graded beside it keeps
    the cores its deadlines were set for.
    """
    with _shares_lock:
        before, _shares["gradings"] = _shares["gradings"], max(1, count)
    try:
        yield
    finally:
        with _shares_lock:
            _shares["gradings"] = before


def default_cpus() -> float:
    """Two cores for a job, or the machine's cores shared by the gradings at once (at least one)."""
    return min(2.0, max(1.0, (os.cpu_count() or 1) / _shares["gradings"]))


def lock_fingerprint() -> str:
    """Changes whenever the locked packages change."""
    return hashlib.sha256((REPO_ROOT / "uv.lock").read_bytes()).hexdigest()[:12]


def runtime_fingerprint() -> str:
    """Changes whenever what the runtime image contains changes: the lock file or the sandbox code."""
    digest = hashlib.sha256((REPO_ROOT / "uv.lock").read_bytes())
    for folder in ("sandbox", "datagen"):
        for path in sorted((REPO_ROOT / "grader" / folder).rglob("*.py")):
            digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def image_fingerprint(*names: str) -> str:
    """Changes whenever one of the named files of grader/images/ changes."""
    digest = hashlib.sha256()
    for name in names:
        digest.update((REPO_ROOT / "grader" / "images" / name).read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class ContainerSettings:
    runtime_image: str = field(
        default_factory=lambda: _env("runtime_image", f"orchestration-course/grader-runtime:{runtime_fingerprint()}")
    )
    postgres_image: str = field(
        default_factory=lambda: _env(
            "postgres_image",
            f"orchestration-course/postgres:{image_fingerprint('postgres.Dockerfile', 'postgres-entrypoint.sh')}",
        )
    )
    redis_image: str = field(
        default_factory=lambda: _env(
            "redis_image", f"orchestration-course/redis:{image_fingerprint('redis.Dockerfile')}"
        )
    )
    # Empty: the official python image where a registry answers, else a local debootstrap base.
    base_image: str = field(default_factory=lambda: _env("base_image", ""))
    local_base_image: str = "orchestration-course/debian-python:bookworm"
    memory: str = field(default_factory=lambda: _env("memory", "3g"))
    cpus: float = field(default_factory=lambda: float(_env("cpus", str(default_cpus()))))
    pids: int = field(default_factory=lambda: int(_env("pids", "512")))
    tmp_size: str = field(default_factory=lambda: _env("tmp_size", "512m"))
    max_output_bytes: int = 200 * 1024 * 1024  # artifacts copied out of a job, at most


def settings() -> ContainerSettings:
    # Ryuk (testcontainers' reaper) needs an image from a registry; the grader removes its
    # containers itself, by label, so it is off unless someone turned it on on purpose.
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
    return ContainerSettings()
