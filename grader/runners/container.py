"""The container runner: the sandbox job in a throwaway container started with testcontainers.

Build image -> run job -> collect artifacts. The submission is copied in as a tar archive (never
bind-mounted), the job has no network (only an internal one to its own service containers,
PostgreSQL for a dbt lab), capped memory, CPU, processes and /tmp, and its wall time
is enforced from here by removing the container. Every container carries the grader's label and
is removed whatever happens; Ryuk is not used (it needs a registry).
"""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import docker
from docker.errors import DockerException
from testcontainers.core.container import DockerContainer
from testcontainers.core.network import Network

from grader.config import LABEL, ContainerSettings, container_labels, settings
from grader.runners.base import JobOutcome, RunnerUnavailable
from grader.services import SERVICES

JOB_ROOT = "/job"
LEARNER_UID = 10001
# The job starts once its files are in place: put_archive needs a running container to write to.
START_WHEN_READY = (
    f"while [ ! -e {JOB_ROOT}/.ready ]; do sleep 0.05; done; exec python -I -m grader.sandbox {JOB_ROOT}/plan.json"
)


def docker_client() -> docker.DockerClient:
    try:
        client = docker.from_env(timeout=10)
        client.ping()
    except DockerException as exc:
        raise RunnerUnavailable(
            "The Docker engine is not reachable, so --isolation container cannot run. Start it "
            "(`sudo dockerd &` or `sudo service docker start`; in a Codespace it starts with the container), "
            f"or grade with --isolation local. ({type(exc).__name__})"
        ) from exc
    return client


def remove_leftovers(client: docker.DockerClient | None = None) -> int:
    """Remove every container the grader started (after a crash of the grader itself, say)."""
    client = client or docker_client()
    found = client.containers.list(all=True, filters={"label": LABEL})
    for container in found:
        container.remove(force=True)
    for network in client.networks.list(filters={"label": LABEL}):
        network.remove()
    return len(found)


class ContainerRunner:
    name = "container"

    def __init__(self, config: ContainerSettings | None = None) -> None:
        self.config = config or settings()
        self.client = docker_client()
        try:
            self.client.images.get(self.config.runtime_image)
        except DockerException as exc:
            raise RunnerUnavailable(
                f"The grader's runtime image {self.config.runtime_image} is missing: build it with "
                "`uv run grader images build` (offline too; it takes a few minutes the first time)."
            ) from exc

    def _require_image(self, image: str, what: str) -> None:
        try:
            self.client.images.get(image)
        except DockerException as exc:
            raise RunnerUnavailable(
                f"The grader's {what} image {image} is missing: build it with `uv run grader images build`."
            ) from exc

    def run(
        self, plan: dict[str, Any], work_dir: Path, *, timeout_s: float, on_progress: Callable[[str], None]
    ) -> JobOutcome:
        with contextlib.ExitStack() as services:
            network = None
            if plan.get("services"):
                # the job and its services share an internal network: they reach each other, nothing else
                network = services.enter_context(
                    Network(docker_network_kw={"internal": True, "labels": container_labels()})
                )
            for name in plan.get("services", ()):
                kind = SERVICES[name]
                assert network is not None  # made above whenever a service is asked for
                self._require_image(kind.image(self.config), kind.what)
                server = kind.container(self.config, network)
                services.callback(server.stop, force=True)
                server.start()
                plan = {**plan, name: server.job_connection()}
            return self._run(plan, work_dir, network, timeout_s=timeout_s, on_progress=on_progress)

    def _run(
        self,
        plan: dict[str, Any],
        work_dir: Path,
        network: Network | None,
        *,
        timeout_s: float,
        on_progress: Callable[[str], None],
    ) -> JobOutcome:
        inner_plan = _translate(plan, work_dir)
        job = (
            DockerContainer(self.config.runtime_image)
            .with_command(["sh", "-c", START_WHEN_READY])
            # testcontainers hands `size` to Docker as the whole option string, so it is spelled out
            .with_tmpfs_mount("/tmp", size=f"size={self.config.tmp_size},mode=1777")
            .with_kwargs(
                labels=container_labels(),
                **({} if network else {"network_mode": "none"}),
                mem_limit=self.config.memory,
                memswap_limit=self.config.memory,
                nano_cpus=int(self.config.cpus * 1e9),
                pids_limit=self.config.pids,
                # tini as PID 1 reaps what learner code orphans: zombies would hold the pids limit
                init=True,
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                # a job printing a gigabyte must not write a gigabyte of logs on the host
                log_config={"type": "json-file", "config": {"max-size": "5m", "max-file": "1"}},
            )
        )
        if network is not None:
            job.with_network(network)
        start = time.monotonic()
        out_dir = Path(plan["out_dir"])
        try:
            job.start()
            container = job.get_wrapped_container()
            container.put_archive(JOB_ROOT, _job_archive(work_dir, inner_plan))
            container.put_archive(JOB_ROOT, _tar({".ready": b""}))
            timed_out = _wait(container, start + timeout_s, on_progress)
            if timed_out:
                container.kill()
            container.reload()
            state = container.attrs["State"]
            _collect(container, out_dir, self.config.max_output_bytes)
            note = (
                f"The job ran out of memory (limit {self.config.memory}) and was stopped."
                if state.get("OOMKilled")
                else ""
            )
            logs = container.logs(tail=60).decode("utf-8", "replace")
            return JobOutcome(
                exit_code=None if timed_out else state.get("ExitCode"),
                timed_out=timed_out,
                duration_s=time.monotonic() - start,
                out_dir=out_dir,
                output_tail=logs,
                note=note,
            )
        finally:
            job.stop(force=True)


def _translate(plan: dict[str, Any], work_dir: Path) -> dict[str, Any]:
    """Host paths under the job's folder become paths under /job inside the container."""
    text = json.dumps(plan).replace(json.dumps(str(work_dir))[1:-1], JOB_ROOT)
    return json.loads(text)


def _tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.uid, info.gid, info.mode = len(data), LEARNER_UID, LEARNER_UID, 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _job_archive(work_dir: Path, plan: dict[str, Any]) -> bytes:
    """The staged submission and the plan, owned by the container's learner user."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:

        def owned(info: tarfile.TarInfo) -> tarfile.TarInfo:
            info.uid = info.gid = LEARNER_UID
            info.uname = info.gname = ""
            return info

        tar.add(work_dir / "submission", arcname="submission", filter=owned)
        tar.add(work_dir / "job", arcname="job", filter=owned)
        data = json.dumps(plan, indent=1).encode()
        info = owned(tarfile.TarInfo("plan.json"))
        info.size, info.mode = len(data), 0o644
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _read_file(container: Any, path: str) -> bytes | None:
    try:
        stream, _ = container.get_archive(path)
    except DockerException:
        return None
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
        member = next((m for m in tar.getmembers() if m.isfile()), None)
        extracted = tar.extractfile(member) if member else None
        return extracted.read() if extracted else None


def _wait(container: Any, deadline: float, on_progress: Callable[[str], None]) -> bool:
    """Follow progress.log until the job exits; True when the deadline passed first."""
    shown = 0
    while True:
        container.reload()
        running = container.status in ("created", "running")
        progress = _read_file(container, f"{JOB_ROOT}/out/progress.log") or b""
        lines = progress.decode("utf-8", "replace").splitlines()
        complete = lines if progress.endswith(b"\n") else lines[:-1]
        for line in complete[shown:]:
            on_progress(line)
        shown = max(shown, len(complete))
        if not running:
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.5)


def _collect(container: Any, out_dir: Path, limit: int) -> None:
    """Copy /job/out to the host: regular files only, no absolute or ../ names, size-capped."""
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        stream, _ = container.get_archive(f"{JOB_ROOT}/out")
    except DockerException:
        return
    total = 0
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
        for member in tar.getmembers():
            name = PurePosixPath(member.name)
            parts = name.parts[1:]  # drop the leading "out"
            if not member.isfile() or not parts or name.is_absolute() or ".." in parts:
                continue
            total += member.size
            if total > limit:
                break
            target = out_dir.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            extracted = tar.extractfile(member)
            if extracted is not None:
                target.write_bytes(extracted.read())
