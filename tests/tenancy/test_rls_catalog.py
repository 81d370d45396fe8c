"""Every tenant table carries the policy, and the app role cannot step around it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from doorstep.core.migration_ops import (
    TENANT_POLICY_NAME,
    TenantRowSecurity,
)
from doorstep.core.models import TenantModel
from doorstep.tenancy.rls import EXEMPT_TABLES

from .rls_helpers import ROLES, as_app_role, company_tables, require_postgresql

pytestmark = pytest.mark.django_db


def _migrated_policies() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        operation.table
        for migration in loader.disk_migrations.values()
        for operation in migration.operations
        if isinstance(operation, TenantRowSecurity)
    }


def test_every_tenant_model_has_a_policy_migration_or_a_written_exemption():
    """Runs on SQLite too: a new TenantModel without `TenantRowSecurity(...)` fails here."""
    policies = _migrated_policies()
    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, TenantModel)
        or "company_id" in {f.column for f in model._meta.concrete_fields}
    }
    missing = sorted(tables - policies - set(EXEMPT_TABLES))
    assert missing == [], f"add TenantRowSecurity(...) in a migration for: {missing}"
    assert set(EXEMPT_TABLES) <= tables, "an exemption names a table that is gone"
    assert not set(EXEMPT_TABLES) & policies, "a table is both exempt and policed"
    assert all(len(reason) > 40 for reason in EXEMPT_TABLES.values())


def test_catalog_every_company_table_forces_the_tenant_policy():
    require_postgresql()
    policed = [t for t in company_tables() if t not in EXEMPT_TABLES]
    assert len(policed) > 50
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, p.polname, "
            "pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), "
            "p.polcmd, p.polpermissive "
            "FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid "
            "WHERE c.relname = ANY(%s)",
            [policed],
        )
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM pg_policy WHERE polrelid = 'customers_customer'::regclass"
        )
        assert cursor.fetchone()[0] == 1  # one policy: a second permissive one would widen it
    # The exact form, as PostgreSQL prints it back: the setting read in a sub-SELECT.
    expected = (
        "(company_id = (NULLIF(( SELECT current_setting('doorstep.company_id'::text, true) "
        "AS current_setting), ''::text))::bigint)"
    )
    for table in policed:
        enabled, forced, name, using, check, command, permissive = rows[table]
        assert (enabled, forced, name) == (True, True, TENANT_POLICY_NAME), table
        assert command == "*" and permissive, table  # every command, the one permissive policy
        assert using == expected and check == expected, table


def test_catalog_the_app_role_is_not_owner_superuser_or_bypassrls():
    require_postgresql()
    with as_app_role(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolinherit "
            "FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user"
        )
        assert cursor.fetchone()[0] == 0  # owns nothing, so FORCE is not its only guard
        cursor.execute(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "WHERE r.rolname = current_user"
        )
        assert cursor.fetchone()[0] == 0  # member of no role it could SET ROLE to
        cursor.execute(
            "SELECT has_table_privilege('customers_customer', 'TRUNCATE'), "
            "has_table_privilege('customers_customer', 'REFERENCES'), "
            "has_table_privilege('customers_customer', 'TRIGGER'), "
            "has_table_privilege('customers_customer', 'SELECT, INSERT, UPDATE, DELETE')"
        )
        assert cursor.fetchone() == (False, False, False, True)
        # The one SQL switch about row security refuses instead of bypassing.
        with (
            pytest.raises(DatabaseError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as inner,
        ):
            inner.execute("SET LOCAL row_security = off")
            inner.execute("SELECT count(*) FROM customers_customer")


def test_catalog_the_maintenance_role_bypasses_and_the_owner_migrates():
    require_postgresql()
    with as_app_role(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ANY(%s) "
            "ORDER BY rolname",
            [[ROLES.owner, ROLES.maintenance]],
        )
        assert cursor.fetchall() == [
            (ROLES.maintenance, False, True),
            (ROLES.owner, False, True),
        ]


def test_db_roles_command_is_idempotent_and_refuses_sqlite():
    from io import StringIO

    from django.core.management import CommandError, call_command

    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("db_roles")
        return
    for _ in range(2):  # the second run updates what the first created
        out = StringIO()
        call_command("db_roles", stdout=out)
        assert "Roles ready: doorstep_owner, doorstep_app, doorstep_maintenance." in out.getvalue()
    assert "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM" in out.getvalue()
    with as_app_role(), pytest.raises(CommandError, match="superuser"):
        call_command("db_roles", stdout=StringIO())
