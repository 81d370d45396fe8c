"""`manage.py db_roles`: create or update the owner, app and maintenance roles (docs/deploy.md)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from doorstep.tenancy.db_roles import DatabaseRoles, db_roles_apply


class Command(BaseCommand):
    help = (
        "Create or update the PostgreSQL roles: owner (migrations), app (web and workers, "
        "row-level security applies) and maintenance (BYPASSRLS, cross-tenant jobs). Run as a "
        "superuser after `migrate`; passwords come from DB_OWNER_PASSWORD, DB_APP_PASSWORD and "
        "DB_MAINTENANCE_PASSWORD when set."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--owner", default="doorstep_owner")
        parser.add_argument("--app", default="doorstep_app")
        parser.add_argument("--maintenance", default="doorstep_maintenance")
        parser.add_argument(
            "--owner-takes-tables",
            action="store_true",
            help="Give every table to the owner role (a database migrated by another user).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("db_roles is for PostgreSQL; SQLite has no roles (nothing to do).")
        roles = DatabaseRoles(
            owner=options["owner"], app=options["app"], maintenance=options["maintenance"]
        )
        passwords = {
            roles.owner: os.environ.get("DB_OWNER_PASSWORD", ""),
            roles.app: os.environ.get("DB_APP_PASSWORD", ""),
            roles.maintenance: os.environ.get("DB_MAINTENANCE_PASSWORD", ""),
        }
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                raise CommandError(
                    "db_roles needs a superuser: only one may grant BYPASSRLS to the "
                    "maintenance role."
                )
        for statement in db_roles_apply(
            connection,
            roles,
            passwords=passwords,
            owner_takes_tables=options["owner_takes_tables"],
        ):
            self.stdout.write(statement)
        self.stdout.write(
            self.style.SUCCESS(f"Roles ready: {roles.owner}, {roles.app}, {roles.maintenance}.")
        )
