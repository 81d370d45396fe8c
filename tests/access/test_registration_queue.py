"""Registrations from unknown emails wait in one back-office queue (issue 9, item 5).

Before: a verified stranger showed on every customer's page as "Approve as <that customer>",
and one click made them a contact of whichever customer was open. Now staff choose the
customer on the registration itself (suggested by domain or name), confirm, and it is audited;
the office inbox is emailed when a registration waits.
"""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.access.models import PortalAccount, RegistrationRequest, RegistrationState
from doorstep.core.models import AuditEvent
from doorstep.customers.models import Contact
from doorstep.tenancy.models import RegistrationPolicy, SignInMode

from ..factories import ContactFactory, CustomerFactory, staff_user
from .conftest import csrf_post, link_in

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "/office/admin/access/registrationrequest"


@pytest.fixture
def queue_company(company):
    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.registration_policy = RegistrationPolicy.STAFF_APPROVAL
    company.settings.save()
    return company


@pytest.fixture
def staff(queue_company):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(queue_company, role="office"))
    client.get("/office/")
    return client


def register(company, mailbox, *, name="Robin Hale", email="robin@harborview.test"):
    csrf_post(
        Client(enforce_csrf_checks=True),
        f"/p/{company.slug}/register",
        {"name": name, "email": email, "phone": "555-0101"},
    )
    csrf_post(Client(enforce_csrf_checks=True), link_in(mailbox, mailbox.to(email)[-1]))
    registration = RegistrationRequest.objects.get(email=email)
    assert registration.state == RegistrationState.PENDING
    return registration


def post(client, url, data=None):
    return client.post(
        url, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )


def test_the_stranger_is_not_offered_on_customer_pages(queue_company, staff, mailbox):
    pat = CustomerFactory(company=queue_company, name="Pat Smith")
    ContactFactory(customer=pat, email="pat@example.test")
    register(queue_company, mailbox)
    page = staff.get(f"/office/admin/customers/customer/{pat.pk}/change/").content.decode()
    assert "Portal access" in page
    assert "robin@harborview.test" not in page and "Approve as" not in page
    # The old one-click endpoint is gone.
    registration = RegistrationRequest.objects.get()
    gone = post(
        staff, f"/office/access/registrations/{registration.pk}/approve", {"customer": pat.pk}
    )
    assert gone.status_code == 404
    assert not PortalAccount.objects.exists()


def test_the_office_is_emailed_when_a_registration_waits(queue_company, mailbox):
    register(queue_company, mailbox)
    office = mailbox.to(queue_company.support_email)
    assert len(office) == 1
    assert "Registration waiting for approval: robin@harborview.test" in office[0]["Subject"]
    text = mailbox.text(office[0])
    assert "Robin Hale" in text and "555-0101" in text
    assert "https://portal.example.test/office/registrations/" in text  # the office's queue


def test_without_a_support_inbox_the_owners_are_emailed(queue_company, mailbox):
    queue_company.support_email = ""
    queue_company.save()
    owner = staff_user(queue_company, role="owner", email="owner@acme.test")
    staff_user(queue_company, role="technician", email="tech@acme.test")
    register(queue_company, mailbox)
    assert len(mailbox.to(owner.email)) == 1
    assert mailbox.to("tech@acme.test") == []


def test_the_queue_lists_waiting_registrations_only(queue_company, staff, mailbox):
    register(queue_company, mailbox)
    csrf_post(  # registered but never confirmed: not in the queue
        Client(enforce_csrf_checks=True),
        f"/p/{queue_company.slug}/register",
        {"name": "Ghost", "email": "ghost@example.test", "phone": ""},
    )
    page = staff.get(f"{QUEUE}/").content.decode()
    assert "robin@harborview.test" in page and "ghost@example.test" not in page


def test_approving_means_choosing_and_confirming_and_is_audited(queue_company, staff, mailbox):
    harbor = CustomerFactory(company=queue_company, name="Harborview Property Management")
    ContactFactory(customer=harbor, email="accounts@harborview.test")
    hale = CustomerFactory(company=queue_company, name="Dana Hale")
    CustomerFactory(company=queue_company, name="Unrelated Person")
    registration = register(queue_company, mailbox)
    url = f"{QUEUE}/{registration.pk}/approve/"

    choose = staff.get(url)
    assert choose.status_code == 200
    suggested = [c.name for c, _ in choose.context["suggestions"]]
    assert suggested == ["Harborview Property Management", "Dana Hale"]  # domain, then name
    assert "Unrelated Person" not in choose.content.decode()
    # Nothing is preselected: no customer is chosen for staff.
    assert "checked" not in choose.content.decode()

    nothing = post(staff, url)
    assert nothing.status_code == 400
    assert "Choose the customer this person belongs to." in nothing.content.decode()

    confirm = post(staff, url, {"customer": harbor.pk})
    assert confirm.status_code == 200
    assert "becomes a contact of <strong>Harborview Property Management</strong>" in (
        confirm.content.decode()
    )
    assert (
        not PortalAccount.objects.exists()
        and not Contact.objects.filter(email="robin@harborview.test").exists()
    )

    done = post(staff, url, {"customer": harbor.pk, "confirmed": "on"})
    assert done.status_code == 302
    # The admin capitalises a message's first letter: the address is never first.
    said = staff.get(done["Location"]).content.decode()
    assert "Invited robin@harborview.test to choose a password" in said
    assert "Robin@harborview.test" not in said
    account = PortalAccount.objects.get(email="robin@harborview.test")
    assert account.customer == harbor
    registration.refresh_from_db()
    assert registration.state == RegistrationState.APPROVED and registration.customer == harbor
    event = AuditEvent.objects.get(verb="registration.approved")
    assert event.actor_type == "staff" and event.actor_user is not None
    assert event.data["customer_id"] == harbor.pk
    assert "approved for Harborview Property Management" in event.message
    assert "/password/set/" in link_in(mailbox, mailbox.to("robin@harborview.test")[-1])
    again = post(staff, url, {"customer": hale.pk, "confirmed": "on"})
    assert again.status_code == 302
    assert PortalAccount.objects.count() == 1


def test_search_finds_customers_of_this_company_only(queue_company, other_company, staff, mailbox):
    CustomerFactory(company=queue_company, name="Quinn Okafor")
    CustomerFactory(company=other_company, name="Quinn Elsewhere")
    registration = register(queue_company, mailbox, name="Robin", email="robin@gmail.com")
    page = staff.get(f"{QUEUE}/{registration.pk}/approve/", {"q": "quinn"})
    assert [c.name for c in page.context["results"]] == ["Quinn Okafor"]
    # A public mail domain suggests nobody; "Robin" is nobody's name.
    assert page.context["suggestions"] == []
    nul = staff.get(f"{QUEUE}/{registration.pk}/approve/", {"q": "qu\x00inn"})
    assert nul.status_code == 400  # refused before the view (core.middleware)


@pytest.mark.parametrize("bad", ["abc", "99999999", "1\x00", "-1", "1e9"])
def test_a_bad_customer_value_is_a_field_error(queue_company, staff, mailbox, bad):
    registration = register(queue_company, mailbox)
    response = post(
        staff, f"{QUEUE}/{registration.pk}/approve/", {"customer": bad, "confirmed": "on"}
    )
    assert response.status_code == 400
    expected = "invisible control character" if "\x00" in bad else "Choose one of your"
    assert expected in response.content.decode()
    assert not PortalAccount.objects.exists()


def test_another_companys_customer_cannot_be_chosen(queue_company, other_company, staff, mailbox):
    foreign = CustomerFactory(company=other_company, name="Someone Else")
    registration = register(queue_company, mailbox)
    response = post(
        staff, f"{QUEUE}/{registration.pk}/approve/", {"customer": foreign.pk, "confirmed": "on"}
    )
    assert response.status_code == 400
    assert not PortalAccount.objects.exists()
    assert RegistrationRequest.objects.get().state == RegistrationState.PENDING


def test_another_companys_staff_never_see_the_registration(queue_company, other_company, mailbox):
    registration = register(queue_company, mailbox)
    outsider = Client(enforce_csrf_checks=True)
    outsider.force_login(staff_user(other_company, role="owner"))
    outsider.get("/office/")
    assert outsider.get(f"{QUEUE}/{registration.pk}/approve/").status_code == 404
    assert post(outsider, f"{QUEUE}/{registration.pk}/decline/").status_code == 404
    assert "robin@harborview.test" not in outsider.get(f"{QUEUE}/").content.decode()
    assert RegistrationRequest.objects.get().state == RegistrationState.PENDING


@pytest.mark.parametrize("role", ["technician", "billing"])
def test_roles_without_portal_access_rights_cannot_decide(queue_company, mailbox, role):
    registration = register(queue_company, mailbox)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(queue_company, role=role))
    client.get("/office/")
    assert client.get(f"{QUEUE}/{registration.pk}/approve/").status_code == 404
    assert post(client, f"{QUEUE}/{registration.pk}/decline/").status_code == 404
    assert RegistrationRequest.objects.get().state == RegistrationState.PENDING


def test_declining_is_confirmed_and_audited(queue_company, staff, mailbox):
    registration = register(queue_company, mailbox)
    url = f"{QUEUE}/{registration.pk}/decline/"
    page = staff.get(url)
    assert page.status_code == 200 and "Decline the registration" in page.content.decode()
    assert RegistrationRequest.objects.get().state == RegistrationState.PENDING
    assert post(staff, url).status_code == 302
    registration.refresh_from_db()
    assert registration.state == RegistrationState.REJECTED
    assert AuditEvent.objects.filter(verb="registration.rejected", actor_type="staff").count() == 1
    assert not PortalAccount.objects.exists()
    # Once decided it can no longer be approved.
    late = post(staff, f"{QUEUE}/{registration.pk}/approve/", {"customer": 1, "confirmed": "on"})
    assert late.status_code == 302 and not PortalAccount.objects.exists()
