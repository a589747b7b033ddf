"""`grader images build`: the runtime, PostgreSQL and Redis images, built without a registry if need be.

Three steps: a base image with Python 3.11 (the official one where a registry answers, else
Debian from debootstrap piped into `docker import`), a wheelhouse of the locked packages built on
the host (pip inside a container may not reach the package index), then `docker build` on top.
The same Dockerfile serves both bases: offline is an option of the build, not a fork.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

from grader.config import REPO_ROOT, ContainerSettings, lock_fingerprint

OFFICIAL_BASE = "python:3.11-slim-bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
CACHE = Path.home() / ".cache" / "orchestration-course"

Log = Callable[[str], None]


class ImageBuildError(RuntimeError):
    pass


def _run(cmd: list[str], *, log: Log, stdin: bytes | None = None, quiet: bool = True) -> str:
    log("$ " + " ".join(cmd))
    done = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        raise ImageBuildError(
            f"{' '.join(cmd[:3])} failed:\n{done.stdout.decode()[-2000:]}{done.stderr.decode()[-2000:]}"
        )
    return done.stdout.decode()


def image_exists(name: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", name], capture_output=True, check=False).returncode == 0


def base_image(settings: ContainerSettings, log: Log) -> str:
    """The image to build on: configured, else official if pullable, else a local debootstrap one."""
    if settings.base_image:
        return settings.base_image
    if image_exists(OFFICIAL_BASE):
        return OFFICIAL_BASE
    if image_exists(settings.local_base_image):
        return settings.local_base_image
    pulled = subprocess.run(["docker", "pull", "-q", OFFICIAL_BASE], capture_output=True, timeout=120, check=False)
    if pulled.returncode == 0:
        return OFFICIAL_BASE
    log("no registry answers: building a Debian base with debootstrap (about a minute)")
    return debootstrap_base(settings.local_base_image, log)


def debootstrap_base(name: str, log: Log) -> str:
    if shutil.which("debootstrap") is None:
        raise ImageBuildError("debootstrap is missing: `apt-get install -y debootstrap` (needs root), then retry")
    with tempfile.TemporaryDirectory(prefix="rootfs-") as root:
        _run(
            [
                "debootstrap",
                "--variant=minbase",
                "--include=python3,python3-venv,ca-certificates",
                "bookworm",
                root,
                DEBIAN_MIRROR,
            ],
            log=log,
        )
        tar = subprocess.run(["tar", "-C", root, "-c", "."], capture_output=True, check=True).stdout
        _run(["docker", "import", "-", name], log=log, stdin=tar)
    return name


def python_version_of(image: str, log: Log) -> str:
    return _run(
        [
            "docker",
            "run",
            "--rm",
            "--network",
            "none",
            image,
            "python3",
            "-c",
            "import platform; print(platform.python_version())",
        ],
        log=log,
    ).strip()


def requirements_for(python_version: str, log: Log) -> list[str]:
    """The locked packages (no dev group), markers evaluated for the image's Python, not the host's."""
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in $UV
    if uv is None:
        raise ImageBuildError("uv is needed to export the locked requirements: run this through `uv run`")
    exported = _run([uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project"], log=log)
    # the image's Python decides, e.g. soupsieve's release depends on python_full_version
    env = {str(key): str(value) for key, value in default_environment().items()}
    env["python_full_version"] = python_version
    env["python_version"] = ".".join(python_version.split(".")[:2])
    wanted = []
    for line in exported.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(env):
            req.marker = None
            wanted.append(str(req))
    return wanted


def wheelhouse(requirements: list[str], python_version: str, log: Log) -> Path:
    """Wheels for every requirement, built once per lock file and Python version, then cached."""
    folder = CACHE / f"wheelhouse-{lock_fingerprint()}-py{python_version}-{platform.machine()}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(requirements) + "\n")
    log(f"building the wheelhouse ({len(requirements)} packages) in {folder}")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-r", f.name, "-w", str(folder)], log=log)
    marker.touch()
    return folder


def build_runtime(settings: ContainerSettings, log: Log = print) -> str:
    """Build the runtime image unless an image of the same fingerprint exists; returns its name."""
    if image_exists(settings.runtime_image):
        log(f"{settings.runtime_image} is up to date")
        return settings.runtime_image
    base = base_image(settings, log)
    version = python_version_of(base, log)
    requirements = requirements_for(version, log)
    wheels = wheelhouse(requirements, version, log)
    with tempfile.TemporaryDirectory(prefix="runtime-context-") as tmp:
        context = Path(tmp)
        (context / "requirements.txt").write_text("\n".join(requirements) + "\n")
        shutil.copytree(wheels, context / "wheelhouse", ignore=shutil.ignore_patterns(".complete"))
        src = context / "sandbox-src"
        src.mkdir()
        shutil.copy(REPO_ROOT / "grader" / "__init__.py", src / "__init__.py")
        for package in ("sandbox", "datagen"):
            shutil.copytree(REPO_ROOT / "grader" / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
        _run(
            [
                "docker",
                "build",
                "-q",
                "-t",
                settings.runtime_image,
                "--build-arg",
                f"BASE_IMAGE={base}",
                "--label",
                "orchestration-course.image=runtime",
                "-f",
                str(REPO_ROOT / "grader" / "images" / "runtime.Dockerfile"),
                str(context),
            ],
            log=log,
        )
    log(f"built {settings.runtime_image}")
    return settings.runtime_image


def build_service(name: str, dockerfile: str, settings: ContainerSettings, log: Log = print) -> str:
    """Build a service image (PostgreSQL, Redis) from Debian's packages on the same base."""
    if image_exists(name):
        log(f"{name} is up to date")
        return name
    base = base_image(settings, log)
    folder = REPO_ROOT / "grader" / "images"
    _run(
        [
            "docker",
            "build",
            "-q",
            "-t",
            name,
            "--build-arg",
            f"BASE_IMAGE={base}",
            "--label",
            "orchestration-course.image=service",
            "-f",
            str(folder / dockerfile),
            str(folder),
        ],
        log=log,
    )
    log(f"built {name}")
    return name


def build_all(settings: ContainerSettings, log: Log = print) -> list[str]:
    """Every image the grader uses: the runtime, PostgreSQL and Redis."""
    return [
        build_runtime(settings, log),
        build_service(settings.postgres_image, "postgres.Dockerfile", settings, log),
        build_service(settings.redis_image, "redis.Dockerfile", settings, log),
    ]
