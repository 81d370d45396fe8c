"""Registrations waiting: deliberate matching (suggestions, search), a confirmation saying what
the person will see, decline after asking; all audited by the access services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.access.models import RegistrationState
from doorstep.core.audit import audit_for
from doorstep.core.verbs import Verb
from doorstep.customers.models import Contact

from ...factories import ContactFactory, CustomerFactory
from ...servicerequests.helpers import csrf_post
from ..helpers import office_client
from .world import grow, registration_waiting

pytestmark = pytest.mark.django_db


def approve_url(registration):
    return reverse("office:registrations:approve", args=[registration.pk])


def test_staff_choose_the_customer_from_suggestions_or_search_then_confirm(
    company, mailbox, django_capture_on_commit_callbacks
):
    diaz = CustomerFactory(company=company, name="Diaz Family")
    ContactFactory(customer=diaz, email="carla@diaz-family.org")
    other = CustomerFactory(company=company, name="Quentin Unrelated")
    registration = registration_waiting(company, "dana@diaz-family.org", name="Dana Diaz")
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    queue = client.get(reverse("office:registrations:list")).content.decode()
    assert "dana@diaz-family.org" in queue
    page = client.get(approve_url(registration)).content.decode()
    assert "Diaz Family" in page and "a contact&#x27;s email is also @diaz-family.org" in page
    assert "Quentin" not in page
    found = client.get(approve_url(registration) + "?q=quentin").content.decode()
    assert f'value="{other.pk}"' in found
    nothing = csrf_post(client, approve_url(registration), {})
    assert nothing.status_code == 400
    assert "Choose the customer this person belongs to." in nothing.content.decode()
    confirm = csrf_post(client, approve_url(registration), {"customer": diaz.pk})
    text = confirm.content.decode()
    assert "Make dana@diaz-family.org a contact of Diaz Family?" in text
    assert "see everything of Diaz Family" in text
    registration.refresh_from_db()
    assert registration.state == RegistrationState.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        done = csrf_post(client, approve_url(registration), {"customer": diaz.pk, "confirmed": "1"})
    assert done.status_code == 302
    registration.refresh_from_db()
    assert (registration.state, registration.customer) == (RegistrationState.APPROVED, diaz)
    assert Contact.objects.filter(customer=diaz, email="dana@diaz-family.org").exists()
    assert mailbox.to("dana@diaz-family.org")  # the invitation
    assert (
        audit_for(company=company, target=registration)
        .filter(verb=Verb.REGISTRATION_APPROVED)
        .exists()
    )


def test_another_companys_customer_cannot_be_chosen(company, other_company):
    stranger = CustomerFactory(company=other_company)
    registration = registration_waiting(company, "dana@example.org")
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    response = csrf_post(
        client, approve_url(registration), {"customer": stranger.pk, "confirmed": "1"}
    )
    assert response.status_code == 400
    assert "Choose one of your customers from the list." in response.content.decode()
    registration.refresh_from_db()
    assert registration.state == RegistrationState.PENDING


def test_declining_asks_first(company):
    registration = registration_waiting(company, "spam@example.org")
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    url = reverse("office:registrations:decline", args=[registration.pk])
    ask = client.get(url)
    assert "Decline the registration of spam@example.org?" in ask.content.decode()
    registration.refresh_from_db()
    assert registration.state == RegistrationState.PENDING
    assert csrf_post(client, url, {"confirmed": "1"}).status_code == 302
    registration.refresh_from_db()
    assert registration.state == RegistrationState.REJECTED
    again = client.get(url, follow=True).content.decode()
    assert "no longer waiting" in again


def test_another_companys_registration_is_not_offered(company, other_company):
    theirs = registration_waiting(other_company, "theirs@example.org")
    client = office_client(Client(), company, "office")
    assert (
        "theirs@example.org"
        not in client.get(reverse("office:registrations:list")).content.decode()
    )
    response = client.get(approve_url(theirs), follow=True)
    assert "theirs@example.org" not in response.content.decode()


@pytest.mark.parametrize("role", ["billing", "technician"])
def test_roles_without_portal_access_get_the_403_page(company, role):
    client = office_client(Client(), company, role)
    assert client.get(reverse("office:registrations:list")).status_code == 403


# 4 of them are the office's frame (session, user, memberships, company).
QUERIES = {"list": 5, "approve": 8}


def test_registration_pages_cost_the_same_for_a_small_and_a_big_company(
    company, django_assert_num_queries
):
    registration = registration_waiting(company, "dana@diaz-family.org", name="Dana Diaz")
    client = office_client(Client(), company, "office")
    urls = {
        "list": reverse("office:registrations:list"),
        "approve": approve_url(registration) + "?q=customer",
    }
    for _ in range(2):
        for name, url in urls.items():
            client.get(url)
            with django_assert_num_queries(QUERIES[name]):
                assert client.get(url).status_code == 200
        grow(company, 25)
