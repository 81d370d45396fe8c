"""A migration operation that makes the database refuse cross-company references.

`SameCompany("billing_invoice", "customer_id", "customers_customer")` installs a trigger so
that an invoice whose customer belongs to another company cannot be inserted or updated, on
SQLite and PostgreSQL alike. Services check this first with a friendly message; the trigger
is the backstop against a bug or a hand-written query.

On SQLite, a migration that alters a guarded table makes Django rebuild it (new table, copy,
drop, rename), which loses its triggers and can fail on the others that name it. Such a
migration wraps its changes: `WithoutSameCompany(...)` for each guard of the table first,
the same `SameCompany(...)` again last (see payments/migrations/0003 for the pattern).
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations.base import Operation


class SameCompany(Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str, column: str, ref_table: str) -> None:
        self.table, self.column, self.ref_table = table, column, ref_table

    @property
    def name(self) -> str:
        return f"same_company_{self.table}_{self.column}"[:60]

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.table, self.column, self.ref_table], {})

    def describe(self) -> str:
        return f"Refuse {self.table}.{self.column} pointing into another company"

    def _check(self, new: str) -> str:
        # Identifiers come from our own migration files, never from input.
        return (
            f"{new}.{self.column} IS NOT NULL AND (SELECT company_id FROM {self.ref_table} "  # noqa: S608
            f"WHERE id = {new}.{self.column}) IS DISTINCT FROM {new}.company_id"
        )

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        message = f"{self.table}.{self.column} belongs to another company"
        if schema_editor.connection.vendor == "sqlite":
            check = self._check("NEW").replace("IS DISTINCT FROM", "IS NOT")
            for event in ("INSERT", "UPDATE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {self.name}_{event.lower()} BEFORE {event} ON {self.table} "
                    f"FOR EACH ROW WHEN {check} BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
        elif schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF {self._check('NEW')} THEN "
                f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; "
                f"END IF; RETURN NEW; END $$"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {self.name} BEFORE INSERT OR UPDATE OF company_id, {self.column} "
                f"ON {self.table} FOR EACH ROW EXECUTE FUNCTION {self.name}()"
            )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for event in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name}_{event}")
        elif schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {self.table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.name}()")


class WithoutSameCompany(SameCompany):
    """The inverse of SameCompany: drops a guard for the length of a table rebuild."""

    def describe(self) -> str:
        return f"Lift the same-company guard on {self.table}.{self.column}"

    def database_forwards(self, *args: Any, **kwargs: Any) -> None:
        super().database_backwards(*args, **kwargs)

    def database_backwards(self, *args: Any, **kwargs: Any) -> None:
        super().database_forwards(*args, **kwargs)


# The policy of every tenant table (docs/adr/0003-row-level-security.md). The sub-SELECT makes
# PostgreSQL read the setting once per statement (an InitPlan), not once per row; an unset or
# empty setting matches no company, so a transaction that named no tenant sees no rows.
TENANT_POLICY_EXPRESSION = (
    "company_id = nullif((SELECT current_setting('doorstep.company_id', true)), '')::bigint"
)
TENANT_POLICY_NAME = "tenant_isolation"


class TenantRowSecurity(Operation):
    """`TenantRowSecurity("billing_invoice")`: on PostgreSQL, ENABLE and FORCE row-level
    security on the table with the one tenant policy (USING and WITH CHECK), so even a query
    that forgot its company filter sees and writes only the current tenant's rows. FORCE makes
    it hold for the table's owner too. A no-op on SQLite. One line per table in the app's own
    migration; tests/tenancy/test_rls_catalog.py fails for a tenant table without it."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str) -> None:
        self.table = table

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.table], {})

    def describe(self) -> str:
        return f"Row-level security: {self.table} shows only the current company's rows"

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        # Identifiers come from our own migration files, never from input.
        schema_editor.execute(f"ALTER TABLE {self.table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {self.table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(
            f"CREATE POLICY {TENANT_POLICY_NAME} ON {self.table} "
            f"USING ({TENANT_POLICY_EXPRESSION}) WITH CHECK ({TENANT_POLICY_EXPRESSION})"
        )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP POLICY IF EXISTS {TENANT_POLICY_NAME} ON {self.table}")
        schema_editor.execute(f"ALTER TABLE {self.table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {self.table} DISABLE ROW LEVEL SECURITY")
