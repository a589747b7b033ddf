"""Loopback ports for the servers a job or the host starts (embedded Redis, Airflow's components)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (two gradings side by side each get their own)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
