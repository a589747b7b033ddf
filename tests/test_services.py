"""The service images start and serve: real PostgreSQL and Redis in containers."""

from __future__ import annotations

import socket

import psycopg2
import pytest

from grader.config import settings
from grader.services import PostgresService, RedisService

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture(scope="module")
def service_images(runtime_image: str) -> None:
    """PostgreSQL and Redis images, built when missing (Docker is checked by runtime_image)."""
    from grader.images.build import build_service

    config = settings()
    build_service(config.postgres_image, "postgres.Dockerfile", config, log=lambda _line: None)
    build_service(config.redis_image, "redis.Dockerfile", config, log=lambda _line: None)


def test_postgres_accepts_the_configured_user_and_database(service_images: None) -> None:
    """A table written through the mapped port reads back; the password is required over TCP."""
    with PostgresService() as pg:
        params = pg.connection_kwargs()
        with psycopg2.connect(**params) as con, con.cursor() as cur:
            cur.execute("create table t (id int primary key, name text)")
            cur.execute("insert into t values (1, 'Fernhill')")
            cur.execute("select current_database(), current_user, name from t")
            assert cur.fetchall() == [("warehouse", "grader", "Fernhill")]
        with pytest.raises(psycopg2.OperationalError):
            psycopg2.connect(**{**params, "password": "wrong"})


def test_redis_answers_ping(service_images: None) -> None:
    """Redis answers PING with PONG over its mapped port."""
    with RedisService() as redis, socket.create_connection(redis.address(), timeout=5) as conn:
        conn.sendall(b"PING\r\n")
        assert conn.recv(64) == b"+PONG\r\n"
