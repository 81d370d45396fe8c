"""Every new portal page: another customer's or company's objects are 404 and show none of
their fields; each page runs the same, exact number of queries for 1 or many records."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from doorstep.messaging.models import Side
from doorstep.messaging.services import conversation_start, message_post
from doorstep.notifications.customer_notices import unsubscribe_token

from ..factories import (
    SYSTEM,
    CompanyFactory,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_invoice,
    make_job,
    make_portal_account,
    make_service_request,
    make_service_type,
)
from ..portal_helpers import sign_in
from .helpers import png

pytestmark = pytest.mark.django_db


def world(customer, n=1, secret="SECRET"):  # noqa: S107
    """n requests (each with a photo) and n conversations (each with a photo), plus jobs,
    invoices and locations, for one customer."""
    # Service types are the company's list (shared by its customers): no secret in the name.
    stype = make_service_type(customer.company, f"Type {customer.pk}")
    made = {"requests": [], "conversations": []}
    for i in range(n):
        location = LocationFactory(customer=customer, street=f"{i} {secret} Street")
        sr = make_service_request(
            customer,
            location=location,
            service_type=stype,
            description=f"{secret} request {i}",
            photos=[png()],
        )
        make_job(customer, location=location, title=f"{secret} job {i}")
        make_invoice(customer)
        conversation = conversation_start(
            company=customer.company,
            customer=customer,
            subject=f"{secret} subject {i}",
            body=f"{secret} body {i}",
            photos=[png()],
            actor=SYSTEM,
        )
        message_post(
            company=customer.company,
            conversation_id=conversation.pk,
            side=Side.STAFF,
            body=f"{secret} reply {i}",
            actor=SYSTEM,
            photos=[png()],
        )
        made["requests"].append(sr)
        made["conversations"].append(conversation)
    return made


def object_urls(slug, made):
    sr = made["requests"][0]
    conversation = made["conversations"][0]
    photo = sr.photos.first()
    attachment = conversation.messages.first().attachments.first()
    return [
        f"/p/{slug}/requests/{sr.pk}",
        f"/p/{slug}/requests/{sr.pk}/photos/{photo.pk}",
        f"/p/{slug}/requests/{sr.pk}/photos/{photo.pk}/thumb",
        f"/p/{slug}/messages/{conversation.pk}",
        f"/p/{slug}/messages/{conversation.pk}/attachments/{attachment.pk}",
        f"/p/{slug}/messages/{conversation.pk}/attachments/{attachment.pk}/thumb",
    ]


def test_isolation_matrix():
    me = make_portal_account(ContactFactory())
    company = me.company
    neighbour = CustomerFactory(company=company)
    stranger = CustomerFactory(company=CompanyFactory())
    world(me.customer, secret="MINE")
    theirs = world(neighbour, secret="NEIGHBOUR")
    elsewhere = world(stranger, secret="STRANGER")
    client = Client()
    sign_in(client, me)
    # Another customer of my company, through my company's portal: 404, nothing shown.
    for url in object_urls(company.slug, theirs):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"NEIGHBOUR" not in response.content
        assert client.post(url, {"body": "hi"}).status_code in (403, 404)
    # Another company's objects, under my company's slug: 404.
    for url in object_urls(company.slug, elsewhere):
        assert client.get(url).status_code == 404, url
    # Another company's portal: my session is not valid there.
    for url in object_urls(stranger.company.slug, elsewhere):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response["Location"]
    # Lists show only mine.
    for url in (f"/p/{company.slug}/requests/", f"/p/{company.slug}/messages/"):
        page = client.get(url).content
        assert b"MINE" in page and b"NEIGHBOUR" not in page and b"STRANGER" not in page
    new_message = client.get(f"/p/{company.slug}/messages/new").content
    assert b"MINE job" in new_message and b"NEIGHBOUR" not in new_message
    new_request = client.get(f"/p/{company.slug}/requests/new").content
    assert b"MINE Street" in new_request and b"NEIGHBOUR" not in new_request
    # An unsubscribe link of another company's customer does nothing here.
    token = unsubscribe_token(company=stranger.company, customer=stranger, event="job_completed")
    assert client.get(f"/p/{company.slug}/unsubscribe/{token}").status_code == 404


def pages(slug, made):
    sr, conversation = made["requests"][0], made["conversations"][0]
    photo = sr.photos.first()
    attachment = conversation.messages.first().attachments.first()
    return {
        "requests": f"/p/{slug}/requests/",
        "request_new": f"/p/{slug}/requests/new",
        "request_detail": f"/p/{slug}/requests/{sr.pk}",
        "request_photo": f"/p/{slug}/requests/{sr.pk}/photos/{photo.pk}",
        "request_photo_thumb": f"/p/{slug}/requests/{sr.pk}/photos/{photo.pk}/thumb",
        "messages": f"/p/{slug}/messages/",
        "message_new": f"/p/{slug}/messages/new",
        "message_detail": f"/p/{slug}/messages/{conversation.pk}",
        "message_attachment": f"/p/{slug}/messages/{conversation.pk}/attachments/{attachment.pk}",
        "message_attachment_thumb": (
            f"/p/{slug}/messages/{conversation.pk}/attachments/{attachment.pk}/thumb"
        ),
        "notifications": f"/p/{slug}/notifications/",
    }


def count_queries(client, url):
    client.get(url)  # first visit: the conversation's unread counter is cleared once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(queries)


# Exact budgets, the same for 1 and 6 records of each kind (1 of them is the gate: the
# session joined with its company).
EXPECTED = {
    "requests": 2,
    "request_new": 3,
    "request_detail": 3,
    "request_photo": 2,
    "request_photo_thumb": 2,
    "messages": 2,
    "message_new": 4,
    "message_detail": 4,
    "message_attachment": 2,
    "message_attachment_thumb": 2,
    "notifications": 3,
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_query_count_is_exact_and_does_not_grow(page):
    counts = []
    for n in (1, 6):
        account = make_portal_account(ContactFactory())
        made = world(account.customer, n=n)
        client = Client()
        sign_in(client, account)
        counts.append(count_queries(client, pages(account.company.slug, made)[page]))
    assert counts == [EXPECTED[page], EXPECTED[page]], counts
