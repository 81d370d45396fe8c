"""The customers area: list, new, edit, the customer's page (portal access, staff notes,
shared documents, History)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.core.models import AuditEvent
from doorstep.customers.models import Contact, Customer, Location
from doorstep.documents.models import Document
from doorstep.notifications.models import Notification

from ...factories import (
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_invoice,
    make_job,
    make_portal_account,
)
from ..helpers import office_client

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "PNG")
    return out.getvalue()


def test_a_new_customer_with_contact_and_address_is_saved_and_audited(client: Client, company):
    office_client(client, company, role="office")
    response = client.post(
        "/office/customers/new/",
        {
            "customer-kind": "person",
            "customer-name": "  Dana   Reyes ",
            "contact-email": "dana@example.test",
            "contact-phone": "555 123 4567",
            "location-street": "12 Oak Ave",
            "location-city": "Springfield",
        },
    )
    customer = Customer.objects.get(company=company)
    assert (
        response.status_code == 302 and response["Location"] == f"/office/customers/{customer.pk}/"
    )
    assert customer.name == "Dana Reyes"
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.email, contact.is_primary) == (
        "Dana Reyes",
        "dana@example.test",
        True,
    )
    assert Location.objects.get(customer=customer).street == "12 Oak Ave"
    assert AuditEvent.objects.filter(
        target_type="customer", target_id=customer.pk, verb="customer.created"
    ).exists()
    page = client.get(f"/office/customers/{customer.pk}/").content.decode()
    assert (
        "dana@example.test" in page
        and "12 Oak Ave" in page
        and "Customer Dana Reyes created" in page
    )


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(client: Client, company):
    office_client(client, company, role="office")
    response = client.post(
        "/office/customers/new/",
        {
            "customer-kind": "person",
            "customer-name": "  ",
            "contact-email": "not-an-email",
            "location-street": "12 Oak Ave",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Type the customer&#x27;s name." in page
    assert "That email address does not look right" in page
    assert "Type the city, or leave the address empty." in page
    assert not Customer.objects.exists() and not Contact.objects.exists()


def test_editing_contacts_and_addresses_moves_the_primary_and_is_audited(client: Client, company):
    office_client(client, company, role="billing")
    customer = CustomerFactory(company=company, name="Old Name")
    first = ContactFactory(customer=customer, name="First", email="first@example.test")
    location = LocationFactory(customer=customer, street="1 Elm")
    data = {
        "customer-kind": "person",
        "customer-name": "New Name",
        "customer-billing_address": "",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "1",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-id": str(first.pk),
        "contacts-0-customer": str(customer.pk),
        "contacts-0-name": "First",
        "contacts-0-email": "first@example.test",
        "contacts-0-phone": "",
        "contacts-1-customer": str(customer.pk),
        "contacts-1-name": "Second",
        "contacts-1-email": "second@example.test",
        "contacts-1-phone": "555 987 6543",
        "contacts-1-is_primary": "on",
        "locations-TOTAL_FORMS": "2",
        "locations-INITIAL_FORMS": "1",
        "locations-MIN_NUM_FORMS": "0",
        "locations-MAX_NUM_FORMS": "1000",
        "locations-0-id": str(location.pk),
        "locations-0-customer": str(customer.pk),
        "locations-0-label": "Home",
        "locations-0-street": "1 Elm",
        "locations-0-city": "Springfield",
        "locations-1-customer": str(customer.pk),
        "locations-1-street": "9 Pine Rd",
        "locations-1-city": "Shelbyville",
    }
    response = client.post(f"/office/customers/{customer.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    customer.refresh_from_db()
    assert customer.name == "New Name"
    primary = Contact.objects.get(customer=customer, is_primary=True)
    assert primary.email == "second@example.test"
    assert Location.objects.filter(customer=customer).count() == 2
    event = AuditEvent.objects.get(
        target_type="customer", target_id=customer.pk, verb="customer.changed"
    )
    assert "name" in event.message and "Second" in event.message and "9 Pine Rd" in event.message
    # Two primaries in one edit: refused next to the box, nothing changes.
    second = Contact.objects.get(customer=customer, email="second@example.test")
    data.update(
        {
            "contacts-0-is_primary": "on",
            "contacts-1-id": str(second.pk),
            "contacts-INITIAL_FORMS": "2",
            "customer-name": "Third Name",
        }
    )
    refused = client.post(f"/office/customers/{customer.pk}/edit/", data)
    assert refused.status_code == 400
    assert "Only one contact can be the primary contact." in refused.content.decode()
    customer.refresh_from_db()
    assert customer.name == "New Name"


def test_staff_notes_are_saved_audited_and_never_shown_in_the_portal(client: Client, company):
    office_client(client, company, role="office")
    customer = CustomerFactory(company=company)
    response = client.post(
        f"/office/customers/{customer.pk}/notes/", {"notes": "Dog bites. Gate code 4411."}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.internal_notes == "Dog bites. Gate code 4411."
    event = AuditEvent.objects.get(
        target_type="customer", target_id=customer.pk, verb="customer.notes_changed"
    )
    assert "4411" not in event.message  # the History says that they changed, not what they say
    assert "Dog bites" in client.get(f"/office/customers/{customer.pk}/").content.decode()


def test_sharing_a_document_checks_the_upload_and_emails_the_customer(client: Client, company):
    office_client(client, company, role="office")
    customer = CustomerFactory(company=company, name="Ann Lee")
    ContactFactory(customer=customer, email="ann@example.test")
    refused = client.post(
        f"/office/customers/{customer.pk}/documents/",
        {
            "title": "Warranty",
            "kind": "warranty",
            "file": io.BytesIO(b"<html><script>alert(1)</script></html>"),
        },
    )
    assert refused.status_code == 400
    assert "That file type is not accepted" in refused.content.decode()
    assert not Document.objects.exists() and not Notification.objects.exists()
    upload = io.BytesIO(png_bytes())
    upload.name = "photo.png"
    shared = client.post(
        f"/office/customers/{customer.pk}/documents/",
        {"title": "Boiler warranty", "kind": "warranty", "file": upload},
    )
    assert shared.status_code == 302
    document = Document.objects.get(customer=customer)
    assert document.mime == "image/png"
    email = Notification.objects.get(recipient="ann@example.test")
    assert "Boiler warranty" in email.context["subject"]
    assert "/documents/" in email.context["button_url"]


def test_portal_access_buttons_use_the_access_services_and_deactivate_asks_first(
    client: Client, company, mailbox
):
    office_client(client, company, role="office")
    customer = CustomerFactory(company=company)
    contact = ContactFactory(customer=customer, email="pat@example.test")
    page = client.get(f"/office/customers/{customer.pk}/").content.decode()
    assert "Not invited" in page and "Invite to the portal" in page
    assert client.post(f"/office/customers/{customer.pk}/access/invite/").status_code == 302
    account = PortalAccount.objects.get(contact=contact)
    assert account.state == PortalAccountState.INVITED
    asked = client.post(f"/office/customers/{customer.pk}/access/deactivate/")
    assert asked.status_code == 200 and "Deactivate this customer" in asked.content.decode()
    account.refresh_from_db()
    assert account.state == PortalAccountState.INVITED  # nothing happened yet
    client.post(f"/office/customers/{customer.pk}/access/deactivate/", {"confirmed": "1"})
    account.refresh_from_db()
    assert account.state == PortalAccountState.DEACTIVATED
    history = client.get(f"/office/customers/{customer.pk}/").content.decode()
    assert "Reactivate portal access" in history and "Deactivated" in history


def test_a_billing_clerk_sees_no_portal_access_buttons_and_may_not_post_them(
    client: Client, company
):
    office_client(client, company, role="billing")
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer)
    page = client.get(f"/office/customers/{customer.pk}/").content.decode()
    assert "Invite to the portal" not in page
    assert client.post(f"/office/customers/{customer.pk}/access/invite/").status_code == 403
    assert not PortalAccount.objects.exists()


def test_archiving_asks_first_and_hides_the_customer_from_the_list(client: Client, company):
    office_client(client, company, role="office")
    customer = CustomerFactory(company=company, name="Zoe Archived")
    asked = client.post(f"/office/customers/{customer.pk}/archive/")
    assert asked.status_code == 200 and "Archive Zoe Archived?" in asked.content.decode()
    assert "Zoe Archived" in client.get("/office/customers/").content.decode()
    client.post(f"/office/customers/{customer.pk}/archive/", {"confirmed": "1"})
    client.get("/office/")  # (shows the "archived" message once)
    assert "Zoe Archived" not in client.get("/office/customers/").content.decode()
    assert "Zoe Archived" in client.get("/office/customers/?show=archived").content.decode()


def test_another_companys_customer_is_not_found(client: Client, company, other_company):
    office_client(client, company, role="owner")
    stranger = CustomerFactory(company=other_company)
    for url in ("", "edit/"):
        assert client.get(f"/office/customers/{stranger.pk}/{url}").status_code == 404
    assert client.post(f"/office/customers/{stranger.pk}/notes/", {"notes": "x"}).status_code == 404


def _fill(customer, n: int) -> None:
    for _i in range(n):
        first = not customer.contacts.exists()
        contact = ContactFactory(customer=customer, is_primary=first)
        if first:
            make_portal_account(contact)
        location = LocationFactory(customer=customer)
        make_job(customer, location=location)
        make_invoice(customer)


def test_the_customer_page_and_list_cost_the_same_queries_small_or_big(
    client: Client, company, django_assert_num_queries
):
    office_client(client, company, role="owner")
    customer = CustomerFactory(company=company)
    _fill(customer, 1)
    client.get(f"/office/customers/{customer.pk}/")
    with django_assert_num_queries(13):
        assert client.get(f"/office/customers/{customer.pk}/").status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/office/customers/").status_code == 200
    _fill(customer, 4)
    CustomerFactory.create_batch(20, company=company)
    with django_assert_num_queries(13):
        assert client.get(f"/office/customers/{customer.pk}/").status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/office/customers/").status_code == 200
    with django_assert_num_queries(9):
        assert client.get(f"/office/customers/{customer.pk}/edit/").status_code == 200
