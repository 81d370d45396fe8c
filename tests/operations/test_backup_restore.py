"""The restore in docs/deploy.md, done for real: a migrated database with the demo data is
dumped with `pg_dump -Fc`, restored with `pg_restore` into a fresh database, and the app runs
on the copy (no migration left to apply, a customer's portal page renders their invoices)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.TEST_DATABASE_URL.startswith("postgres"),
        reason="PostgreSQL is not configured (TEST_DATABASE_URL)",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="needs pg_dump and pg_restore (PostgreSQL client)",
    ),
]

# Run inside the restored database: a demo customer signs in (a real portal session) and
# opens Home and Invoices.
PORTAL_CHECK = """
import django
django.setup()
from django.conf import settings
from django.test import Client
from doorstep.access.models import PortalAccount
from doorstep.access.portal_sessions import portal_cookie_path, portal_session_create
from doorstep.billing.models import Invoice

account = PortalAccount.objects.filter(company__slug="bluewater", state="active").first()
session, raw = portal_session_create(account=account)
client = Client()
client.cookies[settings.PORTAL_SESSION_COOKIE] = raw
client.cookies[settings.PORTAL_SESSION_COOKIE]["path"] = portal_cookie_path(account.company)
home = client.get("/p/bluewater/")
invoices = client.get("/p/bluewater/invoices/")
sign_in = Client().get("/p/bluewater/sign-in")
print(home.status_code, invoices.status_code, sign_in.status_code, Invoice.objects.count())
print(invoices.content.decode())
"""


def _server_url(database: str) -> str:
    base = settings.TEST_DATABASE_URL.rsplit("/", 1)[0]
    return f"{base}/{database}"


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    tag = secrets.token_hex(4)
    names = (f"restore_source_{tag}", f"restore_copy_{tag}")
    with psycopg.connect(_server_url("postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield names
    finally:
        with psycopg.connect(_server_url("postgres"), autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(tmp_path: Path, database: str, *args: str, script: str = "") -> str:
    env = {
        **{k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DOORSTEP_TESTING": "false",
        "DOORSTEP_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "restore-test",
        "DATABASE_URL": _server_url(database),
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-c", script] if script else [sys.executable, "manage.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-4000:])
    return done.stdout


def _pg(*args: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (args, done.stderr)


def test_a_dump_restores_into_a_fresh_database_and_the_app_runs_on_it(tmp_path, databases):
    source, copy = databases
    _manage(tmp_path, source, "migrate", "--no-input", "-v", "0")
    _manage(tmp_path, source, "demo")
    dump = tmp_path / "doorstep.dump"
    # What docs/deploy.md tells the operator to run, word for word.
    _pg("pg_dump", "-Fc", "--no-owner", "-f", str(dump), _server_url(source))
    _pg("pg_restore", "--no-owner", "--exit-on-error", "-d", _server_url(copy), str(dump))

    _manage(tmp_path, copy, "migrate", "--check")  # nothing left to apply
    first, page = _manage(tmp_path, copy, script=PORTAL_CHECK).split("\n", 1)
    home, invoices, sign_in, count = (int(n) for n in first.split())
    assert (home, invoices, sign_in) == (200, 200, 200)
    with psycopg.connect(_server_url(source)) as original:
        (expected,) = original.execute("SELECT count(*) FROM billing_invoice").fetchone()
    assert count == expected > 0
    assert "Bluewater" in page and "INV-" in page
