"""Service containers the grader starts beside a job: PostgreSQL and Redis, built by `grader images build`.

with PostgresService() as pg:
    psycopg2.connect(**pg.connection_kwargs())
"""

from __future__ import annotations

import uuid
from typing import Any

from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import LogMessageWaitStrategy

from grader.config import LABEL, ContainerSettings, settings


class PostgresService(DockerContainer):
    """PostgreSQL 15, ready when the server says it accepts connections.

    Example: ``with PostgresService() as pg: dsn = pg.connection_kwargs()``
    """

    user, password, dbname = "grader", "grader", "warehouse"

    def __init__(self, config: ContainerSettings | None = None) -> None:
        config = config or settings()
        super().__init__(config.postgres_image)
        self.with_env("POSTGRES_USER", self.user).with_env("POSTGRES_PASSWORD", self.password)
        self.with_env("POSTGRES_DB", self.dbname).with_exposed_ports(5432)
        self.with_kwargs(labels={LABEL: uuid.uuid4().hex})
        self.waiting_for(LogMessageWaitStrategy("database system is ready to accept connections"))

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

    def __init__(self, config: ContainerSettings | None = None) -> None:
        config = config or settings()
        super().__init__(config.redis_image)
        self.with_exposed_ports(6379).with_kwargs(labels={LABEL: uuid.uuid4().hex})
        self.waiting_for(LogMessageWaitStrategy("Ready to accept connections"))

    def address(self) -> tuple[str, int]:
        return self.get_container_host_ip(), int(self.get_exposed_port(6379))
