from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client

from .smtp import Mailbox, SmtpServer

# TEST_DB_AS_APP_ROLE=1 (PostgreSQL): the owner (TEST_DATABASE_URL's user, a superuser) creates
# and migrates the test database and `db_roles` makes the roles. Every request (test client and
# live server alike: Django's get_response) then runs as the app role, NOBYPASSRLS, exactly as a
# web process does, and a cross-tenant job's maintenance_scope() as the maintenance role. The
# test's own set-up and assertions stay with the owner, which also flushes (TRUNCATE).
AS_APP_ROLE = os.environ.get("TEST_DB_AS_APP_ROLE", "") == "1"


def psycopg_error() -> type[Exception]:
    import psycopg

    return psycopg.Error


def _as_role(role: str | None, connection: Any) -> Any:
    """SET ROLE for a block, always switched back (RESET ROLE) even when the block fails."""
    from contextlib import contextmanager

    from django.db import DatabaseError

    # On the driver's cursor: the harness's own statements stay out of the query counts.
    @contextmanager
    def block() -> Iterator[None]:
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            before = cursor.fetchone()[0]
            cursor.execute(f"SET ROLE {role}")
        try:
            yield
        finally:
            try:
                with connection.connection.cursor() as cursor:
                    cursor.execute(f"SET ROLE {before}")
            except (DatabaseError, psycopg_error()):
                pass  # an aborted transaction: its rollback undoes the SET ROLE too

    return block()


if AS_APP_ROLE:

    @pytest.fixture(scope="session", autouse=True)
    def _app_role_everywhere(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
        from django.core.handlers.base import BaseHandler
        from django.db import connections

        from doorstep.tenancy import rls
        from doorstep.tenancy.db_roles import DatabaseRoles, db_roles_apply

        roles = DatabaseRoles()
        default = connections["default"]
        if default.vendor != "postgresql":
            yield
            return
        with django_db_blocker.unblock():
            db_roles_apply(default, roles)
        from django.conf import settings

        settings.DOORSTEP_TENANT_TRANSACTIONS = True
        original_get_response = BaseHandler.get_response
        original_maintenance = rls.maintenance_scope

        def get_response_as_app(self: Any, request: Any) -> Any:
            with _as_role(roles.app, connections["default"]):
                return original_get_response(self, request)

        def maintenance_as_role() -> Any:
            return _as_role(roles.maintenance, connections["default"])

        BaseHandler.get_response = get_response_as_app  # type: ignore[method-assign]
        rls.maintenance_scope = maintenance_as_role  # type: ignore[assignment]
        try:
            yield
        finally:
            BaseHandler.get_response = original_get_response  # type: ignore[method-assign]
            rls.maintenance_scope = original_maintenance


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _real_smtp_and_private_storage(
    settings: LazySettings, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    """Every test sends email through a real SMTP server and stores files in its own folder."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.MEDIA_ROOT = str(tmp_path / "private")
    settings.BASE_URL = "https://portal.example.test"
    smtp_server.mailbox.clear()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> Mailbox:
    return smtp_server.mailbox


@pytest.fixture
def csrf_client() -> Client:
    """Every state-changing test request goes through real CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def company(db: Any) -> Any:
    from .factories import CompanyFactory

    return CompanyFactory()


@pytest.fixture
def other_company(db: Any) -> Any:
    from .factories import CompanyFactory

    return CompanyFactory()


from .browser import chromium, page  # noqa: E402, F401  (fixtures for browser tests)
from .twilio_fake import twilio  # noqa: E402, F401  (fake api.twilio.com for SMS tests)


@pytest.fixture
def receiver() -> Iterator[Any]:
    """A real HTTP server on loopback that records webhook deliveries (tests/integrations)."""
    from .integrations.receiver import Receiver

    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def request_transaction(db: Any) -> int:
    """Statements a gated request adds for its tenant transaction (docs/adr/0003): on
    PostgreSQL with DOORSTEP_TENANT_TRANSACTIONS on, outside a test's own transaction
    (`transaction=True` tests), the gate opens one and Django counts its BEGIN and COMMIT.
    Inside a test transaction, with the switch off, and on SQLite, it adds none."""
    from django.db import connection

    from doorstep.tenancy.rls import tenant_transactions

    return 2 if tenant_transactions() and not connection.in_atomic_block else 0
