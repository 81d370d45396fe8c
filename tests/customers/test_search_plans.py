"""PostgreSQL: the office search by part of a name, email or phone reads the company's
matching rows through the trigram indexes of migration customers 0005, never the rows of
every company (and not every row of the company either)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from doorstep.customers.models import Contact, Customer
from doorstep.customers.search import customers_matching

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"),
]


def fill(company, n: int) -> None:
    """n customers with a contact each, written by the database itself (fast): a company big
    enough that reading all its rows would cost more than the index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_customer (company_id, kind, name, billing_address,"
            " internal_notes, created_at, updated_at)"
            " SELECT %s, 'person', 'Person ' || g || ' Surname' || (g %% 500), '', '', now(),"
            " now() FROM generate_series(1, %s) g",
            [company.pk, n],
        )
        cursor.execute(
            "INSERT INTO customers_contact (company_id, customer_id, name, email, phone,"
            " is_primary) SELECT company_id, id, name, 'person' || id || '@mail.example',"
            " '555-' || lpad(id::text, 7, '0'), true FROM customers_customer"
            " WHERE company_id = %s",
            [company.pk],
        )


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE customers_contact")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def scans(plan: str) -> list[str]:
    """Each scan of a table with the conditions printed under it, as one string."""
    found: list[str] = []
    for line in plan.splitlines():
        if "Scan" in line and " on " in line and "Bitmap Index Scan" not in line:
            found.append(line)
        elif found and ("Cond:" in line or "Filter:" in line or "Bitmap Index Scan" in line):
            found[-1] += "\n" + line
    return found


def test_search_reads_the_companys_rows_only_and_uses_the_trigram_indexes(company, other_company):
    fill(company, 30_000)
    fill(other_company, 10_000)
    harbor = Customer.objects.create(company=company, name="Harborview Property Management")
    Contact.objects.create(
        company=company,
        customer=harbor,
        name="Ann",
        email="harborview@example.com",
        phone="555-8812-000",
    )
    theirs = Customer.objects.create(company=other_company, name="Harborview Other Company")
    Contact.objects.create(
        company=other_company, customer=theirs, name="Bo", email="harborview@other.example"
    )
    bound_to_company = re.compile(rf"company_id = '?{company.pk}\b'?(::\w+)?")
    trigram_scans = 0
    for query in ("Harborv", "harborview@", "8812-000"):
        found = customers_matching(company=company, query=query).order_by("name")[:8]
        plan = plan_of(found)
        assert "Seq Scan" not in plan, plan
        for scan in scans(plan):
            # Bound to the company: by the index itself or checked on each row it found.
            # (With server-side binding, DATABASE_PREPARED_STATEMENTS, the value is printed
            # as a typed literal: company_id = '7'::smallint.)
            assert bound_to_company.search(scan), plan
        trigram_scans += plan.count("_trgm")
        assert list(found) == [harbor]
    # On 30,000 customers PostgreSQL answers "contains" from the trigram indexes rather
    # than reading the company's rows one by one (docs/office.md, "Home and search").
    assert trigram_scans >= 2
