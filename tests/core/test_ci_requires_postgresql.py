"""Under CI the PostgreSQL pass of `make test` is required: a missing server fails the run
instead of quietly skipping half of the suite (row locks, RLS and concurrency tests)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the socket is


def make_pytest_pg(*, ci: bool) -> subprocess.CompletedProcess[str]:
    if shutil.which("make") is None:
        pytest.skip("needs the make program")
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "TEST_DATABASE_URL"}}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        # -o install-dev: the virtualenv is already there; do not reinstall it.
        ["make", "-s", "-o", "install-dev", "pytest-pg", f"PG_PROBE_PORT={closed_port()}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_postgresql_fails_make_test_under_ci():
    run = make_pytest_pg(ci=True)
    assert run.returncode != 0
    assert "required in CI" in run.stdout + run.stderr


def test_missing_postgresql_is_only_skipped_on_a_developer_machine():
    run = make_pytest_pg(ci=False)
    assert run.returncode == 0
    assert "skipping the PostgreSQL run" in run.stdout
