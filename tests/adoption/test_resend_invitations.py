"""The customers list's "Resend invitation" to a selection of customers who never signed in:
asks first, sends one fresh link each, skips anyone emailed a link in the last 10 minutes."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.adoption.ledger import activity_record
from doorstep.adoption.models import ActivityVerb
from doorstep.core.models import ActorType
from doorstep.notifications.models import Notification

from ..factories import ContactFactory, CustomerFactory
from ..office.helpers import office_client

pytestmark = pytest.mark.django_db
URL = "/office/customers/resend-invitations/"


def customers(company):
    people = []
    for name in ("Ana Never", "Ben Waiting", "Cy Active"):
        customer = CustomerFactory(company=company, name=name)
        ContactFactory(customer=customer, email=f"{name.split()[0].lower()}@example.test")
        people.append(customer)
    activity_record(
        company=company,
        verb=ActivityVerb.SIGNED_IN,
        object_type="portal_account",
        object_id=1,
        actor_type=ActorType.PORTAL,
        customer_id=people[2].pk,
    )
    return people


def post(client: Client, data: dict) -> object:
    return client.post(URL, data)


def test_resend_asks_first_then_sends_one_link_each(company, client):
    ana, ben, cy = customers(company)
    office_client(client, company, role="office")
    listed = client.get("/office/customers/?portal=never_signed_in").content.decode()
    assert f'value="{ana.pk}"' in listed and "Resend invitation…" in listed
    assert f'value="{cy.pk}"' not in listed

    ask = post(client, {"customer": [ana.pk, ben.pk, cy.pk]})
    assert ask.status_code == 200
    page = ask.content.decode()
    assert "Send a fresh invitation to 2 customer(s)?" in page and "Cy Active" not in page
    assert not Notification.objects.exists()  # nothing until confirmed

    done = post(client, {"customers": f"{ana.pk},{ben.pk},{cy.pk}", "confirmed": "1"})
    assert done.status_code == 302
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == [
        "ana@example.test",
        "ben@example.test",
    ]
    # Clicking again right away sends nothing more.
    post(client, {"customers": f"{ana.pk},{ben.pk}", "confirmed": "1"})
    assert Notification.objects.count() == 2


def test_nothing_ticked_or_no_right_changes_nothing(company, client):
    customers(company)
    office_client(client, company, role="office")
    response = post(client, {"confirmed": "1"})
    assert response.status_code == 302
    assert not Notification.objects.exists()
    office_client(client, company, role="billing")
    assert post(client, {"customer": [1], "confirmed": "1"}).status_code == 403
    assert not Notification.objects.exists()
