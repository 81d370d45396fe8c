"""The three PostgreSQL roles of a Doorstep database (docs/deploy.md, docs/adr/0003).

- owner (runs `migrate`; owns every table; the only role that may TRUNCATE or change schema),
- app (web processes and workers): DML only, not the owner, NOSUPERUSER, NOBYPASSRLS, so every
  tenant table's policy applies to it,
- maintenance: DML only with BYPASSRLS, used explicitly by the cross-tenant jobs
  (tenancy.rls.maintenance_scope: scheduler fan-out jobs, demo, benchmarks), and EXECUTE on
  `doorstep_analyze()` (tenancy migration 0003) so a bulk load can refresh the planner's
  statistics of tables it does not own.

`db_roles_apply` is idempotent: run it after every deploy's `migrate` (new tables get their
grants from the default privileges as well).
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql

APP_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"  # never TRUNCATE: it ignores policies


@dataclass(frozen=True)
class DatabaseRoles:
    owner: str = "doorstep_owner"
    app: str = "doorstep_app"
    maintenance: str = "doorstep_maintenance"


def _role_exists(cursor: object, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])  # type: ignore[attr-defined]
    return cursor.fetchone() is not None  # type: ignore[attr-defined]


def db_roles_statements(
    roles: DatabaseRoles, *, database: str, existing: set[str], passwords: dict[str, str]
) -> list[sql.Composable]:
    """The SQL that creates or updates the roles and their grants on `database`."""
    statements: list[sql.Composable] = []
    attributes = {
        roles.owner: "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS",
        roles.app: "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS",
        roles.maintenance: "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT BYPASSRLS",
    }
    for name, attrs in attributes.items():
        verb = "ALTER" if name in existing else "CREATE"
        statements.append(sql.SQL(f"{verb} ROLE {{}} {attrs}").format(sql.Identifier(name)))
        if passwords.get(name):
            statements.append(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(passwords[name])
                )
            )
    owner, app, maintenance = (
        sql.Identifier(r) for r in (roles.owner, roles.app, roles.maintenance)
    )
    db = sql.Identifier(database)
    statements += [
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}, {}").format(db, app, maintenance),
        sql.SQL("GRANT ALL ON DATABASE {} TO {}").format(db, owner),
        sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(owner),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}, {}").format(app, maintenance),
        # Neither DML role keeps anything it was once given beyond DML (e.g. TRUNCATE).
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}, {}").format(app, maintenance),
        sql.SQL(f"GRANT {APP_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {{}}, {{}}").format(
            app, maintenance
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}, {}").format(
            app, maintenance
        ),
        sql.SQL(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {{}} IN SCHEMA public "
            f"GRANT {APP_PRIVILEGES} ON TABLES TO {{}}, {{}}"
        ).format(owner, app, maintenance),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
            "GRANT USAGE, SELECT ON SEQUENCES TO {}, {}"
        ).format(owner, app, maintenance),
    ]
    return statements


def db_roles_apply(
    connection: object,
    roles: DatabaseRoles = DatabaseRoles(),
    *,
    passwords: dict[str, str] | None = None,
    owner_takes_tables: bool = False,
) -> list[str]:
    """Create/update the roles on this connection's database (needs a superuser, which alone
    may grant BYPASSRLS). With `owner_takes_tables`, every table and sequence of the schema
    is given to the owner role first (a database migrated by another user). Returns the
    statements run, as text, without passwords."""
    run: list[str] = []
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        raw = cursor.connection if hasattr(cursor, "connection") else None
        database = connection.settings_dict["NAME"]  # type: ignore[attr-defined]
        existing = {
            r for r in (roles.owner, roles.app, roles.maintenance) if _role_exists(cursor, r)
        }
        statements = db_roles_statements(
            roles, database=database, existing=existing, passwords=passwords or {}
        )
        if owner_takes_tables:
            # Identity sequences follow their table.
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            names = [row[0] for row in cursor.fetchall()]
            statements[3:3] = [
                sql.SQL("ALTER TABLE {} OWNER TO {}").format(
                    sql.Identifier(name), sql.Identifier(roles.owner)
                )
                for name in names
            ]
        cursor.execute("SELECT to_regprocedure('doorstep_analyze()') IS NOT NULL")
        if cursor.fetchone()[0]:  # after the migration that creates it (tenancy 0003)
            statements.append(
                sql.SQL("GRANT EXECUTE ON FUNCTION doorstep_analyze() TO {}").format(
                    sql.Identifier(roles.maintenance)
                )
            )
        for statement in statements:
            text = statement.as_string(raw) if raw is not None else str(statement)
            cursor.execute(text)
            run.append(
                text if "PASSWORD" not in text else text.split(" PASSWORD ")[0] + " PASSWORD ***"
            )
    return run
