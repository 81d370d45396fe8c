"""A real PgBouncer in transaction mode, started by the test on a free port (RECIPES.md)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PGBOUNCER = "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def pgbouncer(*, users: list[str], pool_size: int = 1) -> Iterator[int]:
    """Yields the port of a PgBouncer (transaction pooling, `pool_size` server connections per
    database and user) in front of 127.0.0.1:5432; stops it afterwards."""
    if not Path(PGBOUNCER).exists():
        if os.environ.get("CI"):  # .ci/run installs it: under CI a missing one is a failure
            pytest.fail("PgBouncer is not installed (Debian package pgbouncer) and CI is set")
        pytest.skip("PgBouncer is not installed (Debian package pgbouncer)")
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    port = _free_port()
    ini, pidfile = folder / "pgbouncer.ini", folder / "pgbouncer.pid"
    (folder / "users.txt").write_text("".join(f'"{user}" ""\n' for user in users))
    ini.write_text(
        "[databases]\n* = host=127.0.0.1 port=5432\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        f"pool_mode = transaction\ndefault_pool_size = {pool_size}\nmin_pool_size = 0\n"
        f"pidfile = {pidfile}\nlogfile = {folder / 'pgbouncer.log'}\nunix_socket_dir =\n"
        "server_reset_query =\nignore_startup_parameters = extra_float_digits,options\n"
    )
    runner: list[str] = [PGBOUNCER, "-d", "-q", str(ini)]
    if os.geteuid() == 0:  # it refuses to run as root
        shutil.chown(folder, "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres")
        runner = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(runner)]
    subprocess.run(runner, check=True, timeout=30)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        if pidfile.exists():
            os.kill(int(pidfile.read_text().strip()), 15)
        shutil.rmtree(folder, ignore_errors=True)
