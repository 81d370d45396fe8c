"""Row-level security holds for the app role even where a query forgets its company filter."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from doorstep.customers.models import Customer
from doorstep.customers.selectors import customers_for_office
from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import EXEMPT_TABLES, tenant_scope, tenant_scope_for_slug
from tests.factories import CustomerFactory

from .rls_helpers import as_app_role, company_tables, raw_count, require_postgresql

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_companies(company, other_company):
    require_postgresql()
    CustomerFactory.create_batch(2, company=company)
    CustomerFactory.create_batch(3, company=other_company)
    return company, other_company


def test_raw_select_on_every_tenant_table_sees_nothing_without_a_tenant_and_only_its_own_with_one(
    django_capture_on_commit_callbacks,
):
    require_postgresql()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet=True)
    x, y = Company.objects.get(slug="bluewater"), Company.objects.get(slug="evergreen")
    tables = [t for t in company_tables() if t not in EXEMPT_TABLES]
    owner_counts = {t: raw_count(t, f"company_id = {x.pk}") for t in tables}
    filled = [t for t, n in owner_counts.items() if n]
    assert len(filled) > 30  # the demo fills most tables, so "0 rows" below means something
    with as_app_role():
        for table in tables:
            assert raw_count(table) == 0, f"{table} without a tenant"
        with tenant_scope(x):
            for table in tables:
                assert raw_count(table) == owner_counts[table], table
                assert raw_count(table, f"company_id = {y.pk}") == 0, table
        for table in tables:
            assert raw_count(table) == 0, f"{table} after the scope"


def test_a_selector_with_its_company_filter_removed_still_returns_only_the_tenants_rows(
    two_companies, monkeypatch
):
    x, _ = two_companies
    # The bug RLS is the backstop for: for_company() forgetting its filter.
    monkeypatch.setattr(type(Customer.objects.all()), "for_company", lambda qs, company: qs)
    with as_app_role(), tenant_scope(x):
        assert {c.company_id for c in customers_for_office(company=x)} == {x.pk}
        raw = list(Customer.objects.raw("SELECT * FROM customers_customer"))
        assert len(raw) == 2 and {c.company_id for c in raw} == {x.pk}
        assert Customer.objects.count() == 2
    with as_app_role():
        assert Customer.objects.count() == 0  # no tenant: nothing at all


def test_insert_or_update_of_another_companys_row_is_refused(two_companies):
    x, y = two_companies
    theirs = Customer.objects.filter(company=y).first()
    mine = Customer.objects.filter(company=x).first()
    with as_app_role(), tenant_scope(x):
        with (
            pytest.raises(DatabaseError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "INSERT INTO customers_customer (company_id, kind, name, billing_address, "
                "internal_notes, created_at, updated_at) "
                "VALUES (%s, 'person', 'Mallory', '', '', now(), now())",
                [y.pk],
            )
        with (
            pytest.raises(DatabaseError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "UPDATE customers_customer SET company_id = %s WHERE id = %s", [y.pk, mine.pk]
            )
        with connection.cursor() as cursor:
            cursor.execute("UPDATE customers_customer SET name = 'x' WHERE id = %s", [theirs.pk])
            assert cursor.rowcount == 0  # another company's row is not there to update
            cursor.execute("DELETE FROM customers_customer WHERE id = %s", [theirs.pk])
            assert cursor.rowcount == 0
        # The ORM is refused the same way.
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Customer.objects.create(company=y, name="Mallory")
    theirs.refresh_from_db()
    assert theirs.name != "x"


def test_nested_scopes_restore_the_outer_company(two_companies):
    x, y = two_companies
    with as_app_role(), tenant_scope(x):
        assert Customer.objects.count() == 2
        with tenant_scope(y):
            assert Customer.objects.count() == 3
        assert Customer.objects.count() == 2
        with pytest.raises(ZeroDivisionError), tenant_scope(y):
            1 / 0  # noqa: B018
        assert Customer.objects.count() == 2


def test_explain_reads_the_setting_once_per_statement_in_an_initplan(two_companies):
    x, _ = two_companies
    with as_app_role(), tenant_scope(x), connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT * FROM customers_customer")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan 1 (returns $0)" in plan
    # Rows are compared with the InitPlan's value ($0), so current_setting() is not called per
    # row, and the comparison can use the company index.
    assert "(company_id = (NULLIF($0, ''::text))::bigint)" in plan, plan
    assert "current_setting" not in plan


def test_the_slug_gate_sets_the_slugs_company_and_an_unknown_slug_sees_nothing(two_companies):
    x, _ = two_companies
    with as_app_role():
        with tenant_scope_for_slug(x.slug) as company_id:
            assert company_id == x.pk
            assert set(Customer.objects.values_list("company_id", flat=True)) == {x.pk}
            with tenant_scope_for_slug("no-such-company") as nobody:
                assert nobody is None
                assert Customer.objects.count() == 0
            assert Customer.objects.count() == 2  # the outer company is back
        assert Customer.objects.count() == 0
