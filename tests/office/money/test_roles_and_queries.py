"""Roles decide every money page and button (technicians never see money), and every page
costs the same number of queries however long the company's history is."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.billing.estimates import estimate_change_state
from doorstep.payments.models import Payment

from ...factories import SYSTEM, make_estimate, make_invoice
from ...payments.helpers import invoice_for, make_payer, pay, signed_in
from ..helpers import office_client
from .helpers import customer_with_email

pytestmark = pytest.mark.django_db

ROLES = ("owner", "office", "billing", "technician")


@pytest.fixture
def money(company):
    """An invoice with a card payment (refundable), a saved consented card, an estimate."""
    payer = make_payer(company)
    paid_part = invoice_for(payer, 10000)
    pay(
        signed_in(payer),
        company,
        [paid_part],
        payment_method="pm_demo_visa_4242_12_30",
        save_card="on",
    )
    owing = invoice_for(payer, 5000)
    estimate = make_estimate(payer.customer)
    return {
        "paid": paid_part,
        "owing": owing,
        "payment": Payment.objects.get(),
        "estimate": estimate,
    }


def pages(money):
    paid, owing, payment, estimate = (
        money["paid"],
        money["owing"],
        money["payment"],
        money["estimate"],
    )
    see = {"owner", "office", "billing"}
    edit = {"owner", "office", "billing"}
    return [
        ("office:invoices:list", [], see),
        ("office:invoices:new", [], edit),
        ("office:invoices:detail", [owing.pk], see),
        ("office:invoices:edit", [owing.pk], edit),
        ("office:invoices:record_payment", [owing.pk], {"owner", "office", "billing"}),
        ("office:invoices:charge_card", [owing.pk], {"owner", "billing"}),
        ("office:invoices:refund", [paid.pk, payment.pk], {"owner", "billing"}),
        ("office:invoices:void", [owing.pk], edit),
        ("office:estimates:list", [], see),
        ("office:estimates:new", [], edit),
        ("office:estimates:detail", [estimate.pk], see),
        ("office:payments:list", [], {"owner", "office", "billing"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_money_pages_it_may(company, money, role):
    client = office_client(Client(), company, role)
    for name, args, allowed in pages(money):
        status = client.get(reverse(name, args=args)).status_code
        assert status == (200 if role in allowed else 403), (role, name, status)


BUTTONS = {
    "Send": {"owner", "office", "billing"},
    "Record payment": {"owner", "office", "billing"},
    "Charge saved card": {"owner", "billing"},
    "Edit": {"owner", "office", "billing"},
    "Void": {"owner", "office", "billing"},
}


@pytest.mark.parametrize("role", ["owner", "office", "billing"])
def test_the_invoice_page_shows_each_role_only_its_buttons(company, money, role):
    client = office_client(Client(), company, role)
    page = client.get(reverse("office:invoices:detail", args=[money["owing"].pk])).content
    page = page.decode().split('<div class="actions">', 1)[1].split("</div>", 1)[0]
    for label, roles in BUTTONS.items():
        assert (f">{label}<" in page) == (role in roles), (role, label)
    paid = client.get(reverse("office:invoices:detail", args=[money["paid"].pk])).content.decode()
    refund_url = reverse("office:invoices:refund", args=[money["paid"].pk, money["payment"].pk])
    assert (refund_url in paid) == (role in {"owner", "billing"})


def test_technicians_see_no_money_in_the_navigation(company, money):
    page = office_client(Client(), company, "technician").get("/office/").content.decode()
    assert "Invoices" not in page and "Payments" not in page and "Estimates" not in page
    owner_page = office_client(Client(), company, "owner").get("/office/").content.decode()
    assert "Invoices" in owner_page and "Payments" in owner_page


def test_another_companys_invoice_is_not_found(company, other_company, money):
    client = office_client(Client(), other_company, "owner")
    for name, args, _ in pages(money):
        if args:
            assert client.get(reverse(name, args=args)).status_code == 404, name


def grow(company, n: int) -> None:
    """More history: n more customers with invoices, payments and estimates."""
    for _ in range(n):
        payer = make_payer(company)
        invoice = invoice_for(payer, 3000)
        pay(signed_in(payer), company, [invoice], payment_method="pm_demo_visa_4242_12_30")
        make_invoice(customer_with_email(company), open_=False)
        estimate = make_estimate(payer.customer)
        estimate_change_state(company=company, estimate=estimate, new_state="sent", actor=SYSTEM)


# (URL name, args, exact queries). Counted for an owner; they include the session, the user,
# the memberships and the company of the office gate.
BUDGETS = [
    ("office:invoices:list", [], "", 5),
    ("office:invoices:list", [], "?status=failed&q=a", 5),
    ("office:invoices:new", [], "", 4),
    ("office:invoices:detail", ["paid"], "", 9),
    ("office:invoices:edit", ["owing"], "", 6),
    ("office:invoices:refund", ["paid", "payment"], "", 7),
    ("office:invoices:charge_card", ["owing"], "", 6),
    ("office:estimates:list", [], "", 5),
    ("office:estimates:detail", ["estimate"], "", 8),
    ("office:payments:list", [], "", 6),
    ("office:payments:list", [], "?status=failed", 5),
    ("portal:invoice_staff_preview", ["slug", "paid"], "", 8),
]


@pytest.mark.parametrize(("name", "keys", "query", "budget"), BUDGETS)
def test_every_money_page_costs_the_same_queries_however_big_the_company(
    company, money, django_assert_num_queries, name, keys, query, budget
):
    assert budget <= 15
    client = office_client(Client(), company, "owner")
    objects: dict = {
        "slug": type("Slug", (), {"pk": company.slug})(),
        "paid": money["paid"],
        "owing": money["owing"],
        "payment": money["payment"],
        "estimate": money["estimate"],
    }
    url = reverse(name, args=[objects[k].pk for k in keys]) + query
    client.get(url)  # warm: static files manifest, session
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
    grow(company, 3)
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
