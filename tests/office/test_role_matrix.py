"""Every office page, for every role: 200 (or the page's own answer) where `staff_may` allows
it, the office's 403 page where it does not; and never another company's record (404).

Built from the URL resolver: a page another area adds is covered as soon as it is mounted
(its view carries `office_action`, set by gate.office_page)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from doorstep.office.nav import SECTIONS
from doorstep.tenancy.models import StaffRole
from doorstep.tenancy.roles import ROLE_ACTIONS

from ..factories import (
    ContactFactory,
    CustomerFactory,
    make_estimate,
    make_invoice,
    make_job,
    make_service_request,
)
from .helpers import office_client

pytestmark = pytest.mark.django_db

# The sign-in pages are the only office URLs without a role (anyone may try to sign in).
# Pages before a staff session exists: sign-in, sign-out, and the invited colleague choosing
# a password from the emailed single-use link (tests/office/staff).
UNGATED = {"office:sign_in", "office:sign_out", "office:staff:welcome"}


def office_patterns() -> list[tuple[str, str, Any]]:
    """(url name, route with <converters>, view) of every office URL."""
    found: list[tuple[str, str, Any]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                found.append((f"{namespace}:{p.name}", prefix + str(p.pattern), p.callback))

    office = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "office"
    )
    walk(office.url_patterns, "/" + str(office.pattern), "office")
    return found


def records(company) -> dict[str, int]:
    """One record of each kind an office page can be about, by the area's namespace."""
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer)
    job = make_job(customer)
    ids = {
        "customers": customer.pk,
        "invoices": make_invoice(customer).pk,
        "estimates": make_estimate(customer).pk,
        "jobs": job.pk,
        "requests": make_service_request(customer).pk,
    }
    from doorstep.core.audit import Actor
    from doorstep.integrations.keys import api_key_create
    from doorstep.messaging.models import Conversation
    from doorstep.support.models import TicketSource
    from doorstep.support.tickets import Requester, ticket_file
    from doorstep.tenancy.models import Membership

    from ..factories import staff_user

    contact = customer.contacts.first()
    ids["help"] = ticket_file(
        company=company,
        requester=Requester(
            email=contact.email, name=contact.name, customer=customer, contact=contact
        ),
        subject="Question",
        body="How do I pay?",
        source=TicketSource.PORTAL,
        actor=Actor.portal(contact.email),
    ).pk
    colleague = staff_user(company, role="office")
    ids["staff"] = Membership.objects.get(user=colleague, company=company).pk
    ids["integrations"] = api_key_create(
        company=company, name="Sync", scopes=["customers:read"], actor=Actor.system("test")
    ).key.pk

    ids["messages"] = Conversation.objects.create(
        company=company, customer=customer, subject="Hi"
    ).pk
    from doorstep.imports.models import ImportRun

    ids["imports"] = ImportRun.objects.create(
        company=company, kind="customers", file_name="customers.csv"
    ).pk
    from doorstep.integrations.models import WebhookDelivery
    from doorstep.integrations.webhooks.endpoints import webhook_endpoint_create
    from doorstep.integrations.webhooks.outbox import webhook_emit

    endpoint = webhook_endpoint_create(
        company=company, url="https://hooks.example.com/in", event_types=[], actor=Actor.system("t")
    ).endpoint
    ids["webhooks"] = endpoint.pk
    webhook_emit(company=company, type="invoice.paid", data={"id": 1})  # not delivered: no commit
    ids["webhook_deliveries"] = WebhookDelivery.objects.get(endpoint=endpoint).pk
    # The signed copy exists only for an estimate the customer accepted.
    from doorstep.billing.estimates import estimate_accept, estimate_change_state

    signed = make_estimate(customer)
    estimate_change_state(
        company=company, estimate=signed, new_state="sent", actor=Actor.system("t")
    )
    estimate_accept(
        company=company,
        customer=customer,
        estimate=signed,
        signature_name="Sam Signer",
        actor=Actor.portal(contact.email),
    )
    ids["accepted_estimates"] = signed.pk
    return ids


# A real value for the pages whose URL names a thing by its name rather than by id.
SLUGS = {
    "office:settings:wording_edit": "invoice_sent",
    "office:settings:wording_preview": "invoice_sent",
    "office:settings:wording_reset": "invoice_sent",
    "office:imports:template": "customers",
}


# Pages of an area about another kind of record than the area's first one.
RECORD_OF_PAGE = {
    "office:integrations:webhook_resend": "webhook_deliveries",
    "office:estimates:signed_pdf": "accepted_estimates",
}


def url_for(route: str, name: str, ids: dict[str, int]) -> str:
    area = name.split(":")[1] if name.count(":") >= 2 else ""
    if name in RECORD_OF_PAGE:
        area = RECORD_OF_PAGE[name]
    elif name.startswith("office:integrations:webhook"):
        area = "webhooks"
    url = route.replace("^", "").replace("$", "")
    if name in SLUGS:
        start = url.index("<")
        url = url[:start] + SLUGS[name] + url[url.index(">", start) + 1 :]
    url = url.replace("<int:pk>", str(ids.get(area, 999999)))
    for converter in ("<int:", "<slug:", "<str:", "<path:", "<uuid:"):
        while converter in url:
            start = url.index(converter)
            end = url.index(">", start)
            url = url[:start] + ("1" if converter == "<int:" else "invite") + url[end + 1 :]
    return url


# Pages a role may open whose record here is still a 404, by a rule finer than the role's
# actions, each tested in its area: a page about a record inside the record (a photo of a
# job, a payment of an invoice: this walk has none, its URL gets id 1), and a technician's
# jobs, which are only those assigned to them (tests/office/work/test_roles_matrix.py).
def record_level(role: str, name: str, route: str) -> bool:
    if route.count("<int:") > route.count("<int:pk>") or name.startswith("office:sso:"):
        return True  # (single sign-on pages name providers and customers: tests/office/sso)
    if name in {
        "office:help:release",
        "office:help:purge",
        "office:help:unblock",
        "office:help:article_edit",
    }:
        return True  # unconfirmed requests, blocked addresses, articles (tests/office/help)
    return role == "technician" and name.startswith("office:jobs:")


NAV = '<nav class="office-nav" aria-label="Office">'


def in_the_frame(role: str, name: str, response: Any) -> None:
    """A whole page (not an htmx part, not a download) is inside office/base.html with the
    office menu, and the menu marks the page's area when the role has an entry for it."""
    page = response.content.decode() if "text/html" in response.get("Content-Type", "") else ""
    if not page.lstrip().lower().startswith("<!doctype html>"):
        return
    assert NAV in page, (role, name)
    area = name.rsplit(":", 1)[0]
    entries = {item.namespace for item in SECTIONS if item.action in ROLE_ACTIONS[role]}
    if area in entries and area != "office":
        menu = page[page.index(NAV) : page.index("</nav>", page.index(NAV))]
        assert 'aria-current="page"' in menu, (role, name)


def test_every_office_url_is_gated_by_a_role_action():
    names = {name for name, _, view in office_patterns() if not hasattr(view, "office_action")}
    assert names <= UNGATED, f"office views without @office_page: {names - UNGATED}"


@pytest.mark.parametrize("role", [r.value for r in StaffRole])
def test_each_role_gets_the_pages_its_actions_allow(role: str, company):
    ids = records(company)
    client = office_client(Client(), company, role=role)
    allowed = ROLE_ACTIONS[role]
    checked = 0
    for name, route, view in office_patterns():
        if name in UNGATED or name == "office:switch_company":
            continue
        url = url_for(route, name, ids)
        response = client.get(url)
        if response.status_code == 405:  # a POST-only action: only the refusal is posted
            if view.office_action in allowed:
                continue
            response = client.post(url)
        if view.office_action in allowed:
            if response.status_code == 404 and record_level(role, name, route):
                continue  # allowed page, refused record: its area's tests cover it
            assert response.status_code in (200, 302), (role, name, url, response.status_code)
            if response.status_code == 200:
                in_the_frame(role, name, response)
        else:
            assert response.status_code == 403, (role, name, url, response.status_code)
            assert "does not include this page" in response.content.decode()
        checked += 1
    assert checked >= 4


def test_a_user_of_one_company_never_sees_another_companys_record(company, other_company):
    theirs = records(other_company)
    records(company)
    client = office_client(Client(), company, role="owner")
    seen = 0
    for name, route, _view in office_patterns():
        if "<int:pk>" not in route:
            continue
        area = name.split(":")[1]
        if area not in theirs:
            continue
        url = url_for(route, name, theirs)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        assert response.status_code == 404, (name, url, response.status_code)
        seen += 1
    assert seen >= 4


@pytest.mark.parametrize(("role", "entry"), [("office", "Email wording"), ("owner", "Settings")])
def test_whoever_may_reword_the_emails_has_a_menu_entry_to_the_wording_pages(company, role, entry):
    client = office_client(Client(), company, role=role)
    page = client.get("/office/settings/messages/").content.decode()
    menu = page[page.index(NAV) : page.index("</nav>", page.index(NAV))]
    assert f'aria-current="page">{entry}</a>' in menu
    assert ("Email wording" in menu) == (role == "office")
    assert "Customers</a>" in menu
