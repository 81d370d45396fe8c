"""A tenant setting lives and dies with its transaction: on a reused connection and behind a
PgBouncer in transaction mode, the next transaction starts with no tenant at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client
from django.urls import reverse

from doorstep.customers.models import Customer
from doorstep.tenancy.db_roles import db_roles_apply
from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import SETTING, tenant_scope
from tests.factories import CompanyFactory, CustomerFactory
from tests.pgbouncer import pgbouncer
from tests.portal.conftest import customer_with_one_of_each
from tests.portal_helpers import sign_in

from .rls_helpers import ROLES, as_app_role, require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def committed_tenants() -> Iterator[tuple[int, int]]:
    require_postgresql()
    x, y = CompanyFactory(), CompanyFactory()
    CustomerFactory.create_batch(2, company=x)
    CustomerFactory.create_batch(3, company=y)
    db_roles_apply(connection, ROLES)  # committed: PgBouncer's own connections need them
    yield x.pk, y.pk


def _state(cursor: object) -> tuple[str | None, int, int]:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT current_setting(%s, true), (SELECT count(*) FROM customers_customer), "
        "pg_backend_pid()",
        [SETTING],
    )
    return cursor.fetchone()  # type: ignore[attr-defined, no-any-return]


def test_two_tenants_one_after_the_other_on_one_reused_connection_do_not_leak(committed_tenants):
    x, y = committed_tenants
    with as_app_role(local=False):
        with connection.cursor() as cursor:
            _, _, pid = _state(cursor)
        with tenant_scope(x):
            assert Customer.objects.count() == 2
        with connection.cursor() as cursor:
            setting, visible, same_pid = _state(cursor)
        assert (setting or "", visible, same_pid) == (
            "",
            0,
            pid,
        )  # the same connection, nothing left
        with tenant_scope(y):
            assert Customer.objects.count() == 3
            assert set(Customer.objects.values_list("company_id", flat=True)) == {y}
        with connection.cursor() as cursor:
            setting, visible, _ = _state(cursor)
        assert (setting or "", visible) == ("", 0)


def test_no_leak_between_clients_sharing_one_pgbouncer_server_connection(committed_tenants):
    x, y = committed_tenants
    database = connection.settings_dict["NAME"]
    with pgbouncer(users=[ROLES.app], pool_size=1) as port:

        def client() -> psycopg.Connection:
            return psycopg.connect(
                host="127.0.0.1", port=port, user=ROLES.app, dbname=database, autocommit=True
            )

        with client() as first, client() as second:
            with first.transaction(), first.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, str(x)])
                setting, visible, pid = _state(cursor)
                assert (setting, visible) == (str(x), 2)
            with second.cursor() as cursor:  # the next transaction on that server connection
                setting, visible, second_pid = _state(cursor)
            assert second_pid == pid  # one server connection for both clients: the real test
            assert (setting or "", visible) == ("", 0)
            with second.transaction(), second.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, str(y)])
                assert _state(cursor)[:2] == (str(y), 3)
            with first.cursor() as cursor:
                assert (_state(cursor)[0] or "", _state(cursor)[1]) == ("", 0)


@contextmanager
def app_behind_pgbouncer(port: int) -> Iterator[None]:
    """This thread's default connection goes through PgBouncer as the app role, configured as
    docs/deploy.md says (DATABASE_POOLER=transaction: no server-side cursors, no prepared
    statements)."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings_dict = {
        **connection.settings_dict,
        "HOST": "127.0.0.1",
        "PORT": port,
        "USER": ROLES.app,
        "PASSWORD": "",
        "CONN_MAX_AGE": 60,
        "DISABLE_SERVER_SIDE_CURSORS": True,
        # DATABASE_PREPARED_STATEMENTS defaults to off behind a transaction pooler (this
        # PgBouncer is 1.18: it cannot carry prepared statements; config/database.py).
        "OPTIONS": {
            key: value
            for key, value in connection.settings_dict["OPTIONS"].items()
            if key not in ("server_side_binding", "prepare_threshold")
        },
    }
    owner_connection = connections[DEFAULT_DB_ALIAS]
    through_pooler = DatabaseWrapper(settings_dict, alias=DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = through_pooler
    try:
        yield
    finally:
        through_pooler.close()
        connections[DEFAULT_DB_ALIAS] = owner_connection


def test_portal_pages_work_end_to_end_behind_pgbouncer_as_the_app_role(committed_tenants):
    x_company = Company.objects.get(pk=committed_tenants[0])
    y_company = Company.objects.get(pk=committed_tenants[1])
    mine = customer_with_one_of_each(x_company, "Harriet")
    theirs = customer_with_one_of_each(y_company, "Mallory")
    client = Client()
    sign_in(client, mine["account"])
    slug = x_company.slug
    with pgbouncer(users=[ROLES.app], pool_size=1) as port, app_behind_pgbouncer(port):
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == ROLES.app
        home = client.get(reverse("portal:home", kwargs={"company_slug": slug}))
        assert home.status_code == 200
        detail = reverse(
            "portal:invoice_detail",
            kwargs={"company_slug": slug, "invoice_id": mine["invoice"].pk},
        )
        page = client.get(detail)
        assert page.status_code == 200
        assert "Harriet invoice line" in page.content.decode()
        other = reverse(
            "portal:invoice_detail",
            kwargs={"company_slug": slug, "invoice_id": theirs["invoice"].pk},
        )
        assert client.get(other).status_code == 404
        # Between requests the pooled server connection carries no tenant.
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            setting, visible, _ = _state(cursor)
        assert (setting or "", visible) == ("", 0)
