"""Background work survives faults, with real worker and scheduler processes.

Seen before:
- `pg_terminate_backend` of their connections (what a failover or a pooler restart does)
  made `db_worker` and the scheduler exit with OperationalError: emails, webhook handling,
  reconciliation and autopay silently stopped while the web kept serving;
- a worker killed mid-send left its task RUNNING forever;
- on SQLite, an email sent inside a write transaction to a hanging mail server made a web
  write fail with "database is locked" after 20 s.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test import Client

from doorstep.notifications.models import Notification, NotificationState

from ..access.conftest import new_account, request_link
from ..smtp import Mailbox, free_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def wait_for(check: Callable[[], Any], *, seconds: float = 30, what: str = "") -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or check}")


class Processes:
    """`manage.py` subprocesses with their own environment, stopped (by pid) at the end."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.tmp_path = tmp_path
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL"}},
            "DOORSTEP_TESTING": "false",
            "DOORSTEP_VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": "worker-fault-tests",
            "BASE_URL": "https://portal.example.test",
            "LOG_LEVEL": "INFO",
            **env,
        }
        self.started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        log = self.tmp_path / f"{args[0]}-{len(self.started)}.log"
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.started.append((process, log))
        return process

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def logs(self) -> str:
        return "\n".join(f"== {log.name}\n{log.read_text()}" for _, log in self.started)

    def stop(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, _ in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def processes(tmp_path: Path, smtp_server: Any) -> Iterator[Processes]:
    running = Processes(tmp_path, {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_server.port)})
    yield running
    running.stop()


def postgres_url() -> str:
    params = connection.settings_dict
    return (
        f"postgresql://{params['USER'] or 'postgres'}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )


def backends(application_name: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s",
            [application_name],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_and_scheduler_reconnect_after_their_connections_are_terminated(
    company, mailbox, processes, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (pg_terminate_backend): set TEST_DATABASE_URL")
    settings.TASKS = DATABASE_TASKS  # the web side enqueues into the database, like production
    url = postgres_url()
    worker = processes.start(
        "worker",
        "--queue-name",
        "*",
        "--interval",
        "0.2",
        "--no-reload",
        env={"DATABASE_URL": f"{url}?application_name=doorstep-worker"},
    )
    scheduler = processes.start(
        "scheduler",
        "--interval",
        "1",
        env={"DATABASE_URL": f"{url}?application_name=doorstep-scheduler"},
    )
    before_worker = wait_for(lambda: backends("doorstep-worker"), what="the worker's connection")
    before_scheduler = wait_for(
        lambda: backends("doorstep-scheduler"), what="the scheduler's connection"
    )

    with connection.cursor() as cursor:  # a failover / pooler restart, as PostgreSQL sees it
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND application_name LIKE 'doorstep-%%'"
        )
    time.sleep(3)  # several worker polls and scheduler ticks on the dead connections
    assert worker.poll() is None and scheduler.poll() is None, processes.logs()
    # Both came back on new connections.
    wait_for(lambda: backends("doorstep-worker") - before_worker, what="worker reconnect")
    wait_for(lambda: backends("doorstep-scheduler") - before_scheduler, what="scheduler reconnect")

    account = new_account(company)
    assert request_link(Client(enforce_csrf_checks=True), company, account.email).status_code == 200
    wait_for(lambda: mailbox.to(account.email), what=f"the sign-in email\n{processes.logs()}")
    assert "/l/" in mailbox.text(mailbox.to(account.email)[0])
    assert worker.poll() is None and scheduler.poll() is None


class HangsOnFirstMessage(Mailbox):
    """An SMTP server that stalls on the first message (the worker is killed meanwhile and
    the message never completes), then accepts the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.stalled.is_set():
            self.stalled.set()
            await asyncio.sleep(60)
            return "451 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_send_the_email_arrives_once_and_no_task_stays_running(
    company, processes, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (several worker processes): set TEST_DATABASE_URL")
    from django_tasks_db.models import DBTaskResult

    from doorstep.notifications.services import notification_enqueue

    settings.TASKS = DATABASE_TASKS
    handler = HangsOnFirstMessage()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        env = {
            "DATABASE_URL": postgres_url(),
            "EMAIL_PORT": str(smtp.port),
            "NOTIFICATION_SEND_LEASE_SECONDS": "3",
            "TASK_LEASE_SECONDS": "3",
        }
        notification_enqueue(
            company=company,
            recipient="pat@example.test",
            template="notice",
            context={"subject": "Your visit", "heading": "Hi", "body": "See you Tuesday."},
        )
        first = processes.start("worker", "--interval", "0.2", "--no-reload", env=env)
        assert handler.stalled.wait(30), processes.logs()
        first.send_signal(signal.SIGKILL)  # mid-send: after the claim, before the outcome
        first.wait()
        stuck = Notification.objects.get()
        assert stuck.state == NotificationState.SENDING

        processes.start("worker", "--interval", "0.2", "--no-reload", env=env)
        processes.start("scheduler", "--interval", "1", env=env)  # sweeps expired leases
        wait_for(
            lambda: Notification.objects.filter(state=NotificationState.SENT).exists(),
            what=f"the retry\n{processes.logs()}",
        )
        assert len(handler.messages) == 1  # one copy, not zero, not two
        wait_for(
            lambda: not DBTaskResult.objects.filter(status="RUNNING").exists(),
            what="no task left RUNNING",
        )
    finally:
        smtp.stop()


class SilentServer:
    """Accepts TCP connections and never says a word: a hanging mail server."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self.clients: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.clients.append(client)
            self.accepted.set()

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.sock.close()


WRITE = """
import time
from doorstep.tenancy.models import Company
started = time.monotonic()
Company.objects.update(name="Renamed while the mail server hangs")
print(f"wrote in {time.monotonic() - started:.2f}s")
"""
ENQUEUE = """
from django.db import transaction
from doorstep.notifications.services import notification_enqueue
from doorstep.tenancy.services import company_create
with transaction.atomic():
    company = company_create(name="Acme", slug="acme")
    notification_enqueue(company=company, recipient="pat@example.test", template="notice",
        context={"subject": "Hi", "heading": "Hi", "body": "See you."})
"""


def test_sqlite_web_write_succeeds_while_the_mail_server_hangs(tmp_path, processes):
    """`make run` on SQLite: the worker delivers to a mail server that never answers; a web
    write at the same time must not wait for it (no network call inside a transaction)."""
    hanging = SilentServer()
    try:
        processes.env.update(
            DATABASE_URL=f"sqlite:///{tmp_path / 'doorstep.sqlite3'}",
            EMAIL_PORT=str(hanging.port),
            EMAIL_TIMEOUT="30",  # longer than SQLite's 20 s lock wait
        )
        migrate = processes.run("migrate", "--no-input", "-v", "0")
        assert migrate.returncode == 0, migrate.stderr
        enqueue = processes.run("shell", "-c", ENQUEUE)
        assert enqueue.returncode == 0, enqueue.stderr
        processes.start("worker", "--interval", "0.2", "--no-reload")
        assert hanging.accepted.wait(30), processes.logs()  # the worker is inside the SMTP call

        write = processes.run("shell", "-c", WRITE, timeout=60)
        assert write.returncode == 0, write.stderr + processes.logs()
        seconds = float(write.stdout.split("wrote in ")[1].rstrip("s\n"))
        assert seconds < 5, write.stdout
    finally:
        hanging.close()
