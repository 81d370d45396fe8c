"""Real Doorstep processes on one database: gunicorn, `manage.py worker`, `manage.py scheduler`.

Used by `manage.py bench_webhooks` and the scale-out test (tests/scaleout/): both need what a
deployment runs (separate processes, each with its own connections, the real queue), not the
test client. Every process logs to its own file under `folder`, so a failure can be read.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = "bench-cluster-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cluster_env(*, database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a production-like process (DEBUG off, the database queue) that
    serves plain HTTP on 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "PYTEST_ADDOPTS")}
    env.update(
        DATABASE_URL=database_url,
        DOORSTEP_TESTING="false",
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


@dataclass
class Process:
    name: str
    argv: list[str]
    popen: subprocess.Popen[bytes]
    log: IO[bytes]
    port: int | None = None


@dataclass
class Cluster:
    env: dict[str, str]
    folder: Path
    processes: dict[str, Process] = field(default_factory=dict)

    def _start(self, name: str, argv: list[str], port: int | None = None) -> Process:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / f"{name}.log").open("ab")
        popen = subprocess.Popen(  # noqa: S603  (our own interpreter and manage.py)
            argv, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        process = Process(name, argv, popen, log, port)
        self.processes[name] = process
        return process

    def web(self, name: str, *, port: int, workers: int = 1, threads: int = 1) -> Process:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--no-control-socket",
            "--graceful-timeout",
            "5",
        ]
        return self._start(name, argv, port)

    def worker(self, name: str) -> Process:
        argv = [sys.executable, "manage.py", "worker", "--queue-name", "*", "--no-reload"]
        argv += ["--no-startup-delay", "--interval", "0.05"]
        return self._start(name, argv)

    def scheduler(self, name: str, *, interval: int = 1) -> Process:
        argv = [sys.executable, "manage.py", "scheduler", "--interval", str(interval)]
        return self._start(name, argv)

    def restart(self, name: str) -> Process:
        old = self.processes[name]
        old.log.close()
        return self._start(name, old.argv, old.port)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        self.processes[name].popen.send_signal(sig)
        self.processes[name].popen.wait(10)

    def wait_for_web(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            if process.port is None:
                continue
            while True:
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{process.port}/healthz", timeout=2
                    ) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if process.popen.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{process.name} did not start: see {self.log(process)}")
                time.sleep(0.2)

    def log(self, process: Process) -> Path:
        return self.folder / f"{process.name}.log"

    def alive(self) -> list[str]:
        return [n for n, p in self.processes.items() if p.popen.poll() is None]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.popen.wait(15)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait(5)
            process.log.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
