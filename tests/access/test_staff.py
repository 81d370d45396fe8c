"""Staff side: the Portal Access section, its buttons, the Send action, the demo command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.test import Client, RequestFactory

from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.backoffice.invoices import send_invoices
from doorstep.backoffice.portal_access import portal_access_panel
from doorstep.billing.models import Invoice, InvoiceState
from doorstep.core.models import AuditEvent

from ..factories import ContactFactory, CustomerFactory, make_invoice, staff_user
from ..portal_helpers import sign_in
from .conftest import csrf_post, link_in, new_account, request_link

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(company):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(company))
    client.get("/office/")  # sets the CSRF cookie like the admin page would
    return client


@pytest.fixture
def customer(company):
    customer = CustomerFactory(company=company, name="Pat Smith")
    ContactFactory(customer=customer, email="pat@example.test")
    return customer


def action(staff, customer, name):
    return csrf_post(staff, f"/office/access/customers/{customer.pk}/{name}", {"next": "/office/"})


def staff_request(company, path="/office/admin/customers/customer/1/change/"):
    request = RequestFactory().get(path)
    request.user = staff_user(company)
    request._messages = CookieStorage(request)
    return request


def test_panel_shows_state_buttons_and_activity(company, customer, staff, mailbox):
    html = portal_access_panel(staff_request(company), customer)
    assert "Not invited" in html and "Invite to the portal" in html
    assert "csrfmiddlewaretoken" in html
    action(staff, customer, "invite")
    html = portal_access_panel(staff_request(company), customer)
    assert "Invited (not signed in yet)" in html and "Resend invitation" in html
    assert "Sign out everywhere" in html and "Deactivate" in html
    assert "Invitation emailed to pat@example.test" in html  # the audit trail


def test_invite_resend_deactivate_reactivate_sign_out(company, customer, staff, mailbox):
    response = action(staff, customer, "invite")
    assert response.status_code == 302 and response["Location"] == "/office/"
    first = link_in(mailbox, mailbox.to("pat@example.test")[-1])
    assert "Welcome" in mailbox.text(mailbox.messages[-1])
    action(staff, customer, "resend")
    second = link_in(mailbox, mailbox.to("pat@example.test")[-1])
    assert csrf_post(Client(enforce_csrf_checks=True), first).status_code == 410  # superseded
    account = PortalAccount.objects.get()
    browser = Client()
    sign_in(browser, account)
    action(staff, customer, "sign-out-everywhere")
    assert browser.get(f"/p/{company.slug}/").status_code == 302
    action(staff, customer, "deactivate")
    account.refresh_from_db()
    assert account.state == PortalAccountState.DEACTIVATED
    assert csrf_post(Client(enforce_csrf_checks=True), second).status_code == 410
    html = portal_access_panel(staff_request(company), customer)
    assert "Deactivated" in html and "Reactivate" in html
    action(staff, customer, "reactivate")
    account.refresh_from_db()
    assert account.state == PortalAccountState.INVITED
    verbs = set(
        AuditEvent.objects.filter(target_type="portalaccount").values_list("verb", flat=True)
    )
    assert {"portal.deactivated", "portal.reactivated", "portal.signed_out_everywhere"} <= verbs


def test_resend_supersedes_a_link_the_customer_asked_for(company, customer, staff, mailbox):
    action(staff, customer, "invite")
    request_link(Client(enforce_csrf_checks=True), company, "pat@example.test")
    asked = link_in(mailbox, mailbox.messages[-1])
    action(staff, customer, "resend")
    assert csrf_post(Client(enforce_csrf_checks=True), asked).status_code == 410


def test_customer_without_email_is_told_clearly(company, staff, mailbox):
    customer = CustomerFactory(company=company, name="Pat Smith")
    ContactFactory(customer=customer, email="")
    response = action(staff, customer, "invite")
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Pat Smith has no email address; add one on the customer's page."]
    assert mailbox.messages == [] and not PortalAccount.objects.exists()


def test_staff_of_another_company_gets_404(company, other_company, customer):
    outsider = Client(enforce_csrf_checks=True)
    outsider.force_login(staff_user(other_company))
    outsider.get("/office/")
    assert action(outsider, customer, "invite").status_code == 404
    assert not PortalAccount.objects.exists()


def test_anonymous_and_get_are_refused(company, customer):
    assert Client().post(f"/office/access/customers/{customer.pk}/invite").status_code == 302
    staff = Client()
    staff.force_login(staff_user(company))
    assert staff.get(f"/office/access/customers/{customer.pk}/invite").status_code == 405
    assert not PortalAccount.objects.exists()


def test_send_invoices_action_reports_each_invoice(company, customer, mailbox):
    no_email = CustomerFactory(company=company, name="Lee Noemail")
    ContactFactory(customer=no_email, email="")
    good = make_invoice(customer, open_=False)
    bad = make_invoice(no_email, open_=False)
    request = staff_request(company)
    send_invoices(None, request, Invoice.objects.filter(pk__in=[good.pk, bad.pk]))
    messages = {str(m) for m in get_messages(request)}
    assert messages == {
        f"{bad.display_number} not sent: Lee Noemail has no email address; "
        "add one on the customer's page.",
        f"{good.display_number} sent to pat@example.test.",
    }
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.state == InvoiceState.OPEN and bad.state == InvoiceState.DRAFT
    assert len(mailbox.messages) == 1


def test_portal_link_command_prints_a_working_link(company):
    account = new_account(company)
    out = StringIO()
    call_command("portal_link", account.email, company=company.slug, stdout=out)
    url = out.getvalue().splitlines()[0]
    assert url.startswith(f"https://portal.example.test/p/{company.slug}/l/")
    path = url.removeprefix("https://portal.example.test")
    assert csrf_post(Client(enforce_csrf_checks=True), path).status_code == 302


def test_customer_admin_page_shows_the_panel_and_its_buttons_work(company, customer, mailbox):
    """The Portal Access section and the Send action, through the real back office."""
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(staff_user(company, is_superuser=True))
    page = admin.get(f"/office/admin/customers/customer/{customer.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Portal access" in html and "Not invited" in html
    assert html.index("Invite to the portal") > html.index(
        "</form>"
    )  # not nested in the admin form
    response = csrf_post(admin, f"/office/access/customers/{customer.pk}/invite")
    assert response["Location"] == f"/office/admin/customers/customer/{customer.pk}/change/"
    assert "Invited (not signed in yet)" in admin.get(response["Location"]).content.decode()
    assert len(mailbox.to("pat@example.test")) == 1

    invoice = make_invoice(customer, open_=False)
    sent = csrf_post(
        admin,
        "/office/admin/billing/invoice/",
        {"action": "send_invoices", "_selected_action": [invoice.pk]},
    )
    assert sent.status_code == 302
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.OPEN and len(mailbox.to("pat@example.test")) == 2
