"""The grader's container settings: defaults that work offline, and the cores shared fairly."""

from __future__ import annotations

import os

import pytest

from grader.config import concurrent_gradings, settings


def test_settings_have_offline_friendly_defaults() -> None:
    """Ryuk is off by default and the image name follows the lock file and sandbox code."""
    config = settings()
    assert os.environ["TESTCONTAINERS_RYUK_DISABLED"] == "true"
    assert config.runtime_image.startswith("orchestration-course/grader-runtime:")


def test_gradings_at_once_share_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """A job gets two cores alone; with --jobs N each gets its share of the machine, never less than one."""
    monkeypatch.delenv("GRADER_CPUS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert settings().cpus == 2
    with concurrent_gradings(4):
        assert settings().cpus == 1
        with concurrent_gradings(8):
            assert settings().cpus == 1
        assert settings().cpus == 1
    with concurrent_gradings(3):
        assert settings().cpus == pytest.approx(4 / 3)
    assert settings().cpus == 2
    monkeypatch.setenv("GRADER_CPUS", "0.5")  # the instructor's setting wins
    with concurrent_gradings(2):
        assert settings().cpus == 0.5
