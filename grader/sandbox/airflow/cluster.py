"""A real Airflow deployment as processes: what ``dag.test()`` cannot show (pools, priorities, queues, workers).

Lab 05 grades what only a scheduler and workers decide: which task waits for a pool slot, which
runs first, which worker takes a task from which queue, and what happens when a worker dies
mid-task. So its job starts the components a deployment runs, each as a process of its own
(api-server, scheduler, dag-processor, triggerer, and for the CeleryExecutor one ``airflow celery
worker`` per queue), on a PostgreSQL metadata database and, for Celery, a Redis broker. The same
set serves a learner in the Airflow UI (``make airflow-cluster``, grader/airflow_cluster.py).

Two facts of Airflow 3 shape the settings: tasks talk to the api-server's execution API
(``[core] execution_api_server_url``), and the api-server and the scheduler must sign and check
the tasks' tokens with one ``[api_auth] jwt_secret`` (different secrets: "Invalid auth token").
Each worker names itself through ``[core] hostname_callable`` (``worker_name`` below), so the
metadata DB's ``task_instance.hostname`` says which worker ran a task.

Every component leads a process group of its own: a worker's task runs in a child of a child of
the worker, and stopping a worker means killing its whole group (killing only the main PID
leaves the task running).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.sandbox import watchdog
from grader.sandbox.airflow.environment import airflow_environment
from grader.sandbox.network import free_port

WORKER_NAME_ENV = "GRADER_WORKER_NAME"


def worker_name() -> str:
    """``[core] hostname_callable`` of every component: the worker's own name, else the machine's."""
    return os.environ.get(WORKER_NAME_ENV) or socket.getfqdn()


@dataclass(frozen=True)
class Worker:
    """One ``airflow celery worker``: its name (what ``task_instance.hostname`` shows) and its queues."""

    name: str
    queues: tuple[str, ...] = ("default",)
    concurrency: int = 2


@dataclass
class ClusterSpec:
    """What to start: the executor, the workers (CeleryExecutor only) and the core settings to override."""

    executor: str = "CeleryExecutor"
    # both serve `default`, so either can take over the other's work; only worker-2 takes `heavy`
    workers: tuple[Worker, ...] = (Worker("worker-1", ("default",)), Worker("worker-2", ("default", "heavy")))
    settings: dict[str, str] = field(default_factory=dict)  # extra AIRFLOW__* variables
    # the triggerer runs deferred tasks' triggers: a deployment without deferrable tasks may leave it out
    roles: tuple[str, ...] = ("api-server", "scheduler", "dag-processor", "triggerer")


def database_url(postgres: dict[str, Any], driver: str = "psycopg2") -> str:
    """A SQLAlchemy URL for a server given as connection kwargs (a Unix socket folder as host works too)."""
    user, password = postgres["user"], postgres.get("password") or ""
    auth = f"{user}:{password}" if password else user
    host = postgres["host"]
    if host.startswith("/"):
        return f"postgresql+{driver}://{auth}@/{postgres['dbname']}?host={host}&port={postgres['port']}"
    return f"postgresql+{driver}://{auth}@{host}:{postgres['port']}/{postgres['dbname']}"


def cluster_environment(
    home: Path,
    dags: Path,
    plugins: Path,
    *,
    postgres: dict[str, Any],
    redis: dict[str, Any] | None,
    api_port: int,
    spec: ClusterSpec,
) -> dict[str, str]:
    """The environment every component shares: one metadata DB, one broker, one JWT secret."""
    env = airflow_environment(home, dags, plugins, log_level="INFO")
    api = f"http://127.0.0.1:{api_port}"
    env.update(
        {
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": database_url(postgres),
            "AIRFLOW__CORE__EXECUTOR": spec.executor,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api}/execution/",
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.worker_name",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__API__BASE_URL": api,
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),  # 64 bytes: HS512 asks no less
            # a learner opening the UI of their own local cluster is its admin, with no password to find
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            # the scheduler looks for new DAG files often, so a grading does not wait minutes for a parse
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
        }
    )
    env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"] = str(free_port())
    if redis is not None:
        env["AIRFLOW__CELERY__BROKER_URL"] = f"redis://{redis['host']}:{redis['port']}/0"
        env["AIRFLOW__CELERY__RESULT_BACKEND"] = "db+" + database_url(postgres)
    env.update(spec.settings)
    return env


@dataclass
class Component:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    watchdog: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                self.command,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stopped with every task it forked
            )
        # a session of its own escapes the owner's process group: if the owner is killed (a grading
        # job past its time limit), the watchdog still stops the component's group
        self.watchdog = watchdog.start(os.getpid(), group=self.proc.pid)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """The component and every process it started (a worker's tasks too)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        watchdog.stop(self.watchdog)

    def stop(self, grace_s: float = 5.0) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=grace_s)
        self.kill()  # what is left of the group, the component gone or not


class RestApi:
    """The api-server's REST API as the UI calls it, with the token all-admins mode hands out freely."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._token: str | None = None

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """Status and JSON of one call; an error status is returned, not raised."""
        if self._token is None:
            with urllib.request.urlopen(f"{self.url}/auth/token", timeout=10) as answer:
                self._token = json.loads(answer.read())["access_token"]
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"null")


class ClusterFailed(RuntimeError):
    """A component did not start or died: the message quotes the end of its log."""

    def __init__(self, message: str, component: str | None = None) -> None:
        super().__init__(message)
        self.component = component  # the one that stopped, when one did


class AirflowCluster:
    """The components of one deployment, started and stopped together.

    Example::

        with AirflowCluster(home, dags, plugins, postgres=pg, redis=broker) as cluster:
            cluster.trigger("pool_demo")
            cluster.wait_for_run("pool_demo", timeout_s=120)
    """

    def __init__(
        self,
        home: Path,
        dags: Path,
        plugins: Path,
        *,
        postgres: dict[str, Any],
        redis: dict[str, Any] | None = None,
        spec: ClusterSpec | None = None,
        api_port: int | None = None,
        schema_sql: str | None = None,
    ) -> None:
        self.spec = spec or ClusterSpec()
        self.home = home
        self.postgres = postgres
        self.schema_sql = schema_sql
        self.api_port = api_port or free_port()
        self.env = {
            **os.environ,
            **cluster_environment(
                home, dags, plugins, postgres=postgres, redis=redis, api_port=self.api_port, spec=self.spec
            ),
        }
        self.components: dict[str, Component] = {}
        self.rest = RestApi(self.api_url)
        self.lost: set[str] = set()  # components killed on purpose
        self.timings: dict[str, float] = {}  # seconds from start(): what a benchmark reports
        (home / "logs").mkdir(parents=True, exist_ok=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def airflow(self, *args: str, timeout_s: float = 180) -> subprocess.CompletedProcess[str]:
        """One ``airflow`` CLI command with the cluster's settings."""
        return subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
            start_new_session=True,
        )

    def start(self, *, wait_s: float = 90, schema_sql: str | None = None) -> AirflowCluster:
        """Create the metadata DB, start every component, wait for the api-server.

        ``schema_sql``: a dump of a freshly migrated metadata DB of this Airflow version
        (grader/airflow_schema.py makes it once per machine): restored with psql in about 1 s,
        where ``airflow db migrate`` takes 11 s.
        """
        began = time.monotonic()
        created = self._restore(schema_sql) if schema_sql else self.airflow("db", "migrate")
        self.timings["migrate_s"] = round(time.monotonic() - began, 1)
        if created.returncode != 0:
            raise ClusterFailed(f"creating the metadata DB failed: {_last_lines(created.stdout + created.stderr)}")
        for role in self.spec.roles:
            args = [role, "--port", str(self.api_port)] if role == "api-server" else [role]
            self._add(role, args, {"AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())})
        if self.spec.executor == "CeleryExecutor":
            for worker in self.spec.workers:
                args = ["celery", "worker", "--queues", ",".join(worker.queues)]
                args += ["--concurrency", str(worker.concurrency), "--celery-hostname", f"{worker.name}@%h"]
                # gossip and mingle only slow the start of a worker that has no peers to learn from
                args += ["--without-gossip", "--without-mingle"]
                # each worker serves its task logs on a port of its own (two on one machine would clash)
                own = {WORKER_NAME_ENV: worker.name, "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())}
                self._add(worker.name, args, own)
        self._wait_for_api(wait_s)
        self.timings["api_ready_s"] = round(time.monotonic() - began, 1)
        return self

    def _restore(self, schema_sql: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [psql(), "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"],
            input=schema_sql,
            env={**self.env, **libpq_environment(self.postgres)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def _add(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        component = Component(
            name=name,
            command=[sys.executable, "-m", "airflow", *args],
            env={**self.env, **(env or {})},
            log=self.home / "logs" / f"{name}.log",
        )
        component.start()
        self.components[name] = component

    def _wait_for_api(self, wait_s: float) -> None:
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with urllib.request.urlopen(f"{self.api_url}/api/v2/monitor/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise ClusterFailed(f"the api-server did not answer within {wait_s:.0f}s: {self.log_tail('api-server')}")

    def check_alive(self) -> None:
        """ClusterFailed when a component stopped that was not killed on purpose (``kill``)."""
        for component in self.components.values():
            if not component.running() and component.proc is not None and component.name not in self.lost:
                raise ClusterFailed(f"{component.name} stopped: {self.log_tail(component.name)}", component.name)

    def log_tail(self, name: str) -> str:
        path = self.home / "logs" / f"{name}.log"
        return _last_lines(path.read_text(errors="replace")) if path.exists() else "no log"

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """One call of the api-server's REST API (``/api/v2/...``): status and JSON."""
        return self.rest.call(method, path, body)

    def wait_for_dags(self, dag_ids: list[str], timeout_s: float = 90) -> list[str]:
        """Wait until the dag-processor has stored each DAG; the ones still missing at the deadline."""
        deadline, missing = time.monotonic() + timeout_s, list(dag_ids)
        while missing and time.monotonic() < deadline:
            self.check_alive()
            missing = [dag_id for dag_id in missing if self.api("GET", f"/api/v2/dags/{dag_id}")[0] != 200]
            if missing:
                time.sleep(0.5)
        return missing

    def trigger(self, dag_id: str, conf: dict[str, Any] | None = None) -> str:
        """A manual run of a DAG, now; its run id."""
        status, run = self.api("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None, "conf": conf or {}})
        if status != 200:
            raise ClusterFailed(f"triggering {dag_id} was refused ({status}): {run}")
        return str(run["dag_run_id"])

    def kill(self, name: str) -> None:
        """A component's whole process tree at once, as when its machine is lost."""
        self.lost.add(name)
        self.components[name].kill()

    def stop(self) -> None:
        for component in reversed(self.components.values()):
            component.stop()

    def __enter__(self) -> AirflowCluster:
        try:
            return self.start(schema_sql=self.schema_sql)
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def psql() -> str:
    """The psql of the pgserver wheel (in the course environment and the runtime image), else the PATH's."""
    try:
        import pgserver

        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "psql"
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    return shutil.which("psql") or "psql"


def libpq_environment(postgres: dict[str, Any]) -> dict[str, str]:
    """PG* variables for psql and pg_dump from connection kwargs."""
    return {
        "PGHOST": str(postgres["host"]),
        "PGPORT": str(postgres["port"]),
        "PGUSER": str(postgres["user"]),
        "PGPASSWORD": str(postgres.get("password") or ""),
        "PGDATABASE": str(postgres["dbname"]),
    }


def _last_lines(text: str, n: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-n:]) or "no output"
