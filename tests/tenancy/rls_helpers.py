"""Acting as the app role in a test, and the tables the policies must cover."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from doorstep.tenancy.db_roles import DatabaseRoles, db_roles_apply

ROLES = DatabaseRoles()
NEEDS_POSTGRESQL = "row-level security is a PostgreSQL feature; SQLite has no policies"


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(NEEDS_POSTGRESQL)


def company_tables() -> list[str]:
    """Every table of the database that has a company_id column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name = 'company_id' ORDER BY table_name"
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def as_app_role(*, local: bool = True) -> Iterator[None]:
    """The block runs as the app role (NOBYPASSRLS, not the owner), as web processes do; the
    roles and grants are made first. `local`: for this transaction only (the test's own);
    else for the session, for tests whose block commits. Always switches back."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == ROLES.app:  # the whole suite runs as it (TEST_DB_AS_APP_ROLE)
            yield
            return
    db_roles_apply(connection, ROLES)
    with connection.cursor() as cursor:
        cursor.execute(f"SET {'LOCAL ' if local else ''}ROLE {ROLES.app}")
    try:
        yield
    finally:
        if connection.is_usable() and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")


def raw_count(table: str, where: str = "TRUE") -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}")  # noqa: S608  (our names)
        return int(cursor.fetchone()[0])
