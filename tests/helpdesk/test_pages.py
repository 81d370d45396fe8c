"""The help site's pages through the test client (CSRF checked)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from doorstep.core.audit import Actor
from doorstep.support.models import ArticleVote, Ticket, TicketSource, TicketState
from doorstep.support.tickets import Requester, ticket_file, ticket_staff_reply
from tests.factories import ContactFactory, make_portal_account, staff_user

from .helpers import help_client

pytestmark = pytest.mark.django_db(transaction=True)


def url(company: Any, path: str = "") -> str:
    return f"/h/{company.slug}/{path}"


def csrf_post(client: Client, path: str, data: dict[str, Any], **extra: Any) -> Any:
    client.get(path)
    token = client.cookies["csrftoken"].value
    return client.post(path, {**data, "csrfmiddlewaretoken": token}, **extra)


@pytest.fixture
def customer_client(company: Any) -> Client:
    contact = ContactFactory(customer__company=company, email="pat@example.net", name="Pat Lee")
    client = help_client(Client(enforce_csrf_checks=True), company, make_portal_account(contact))
    client.contact = contact  # type: ignore[attr-defined]
    return client


def test_visitors_see_public_articles_customers_also_members_only_staff_only_never(
    company, articles, customer_client
):
    visitor = Client().get(url(company)).content.decode()
    assert "How to pay an invoice" in visitor and "Water heater leaking" in visitor
    assert "Autopay for members" not in visitor and "Refund policy" not in visitor
    member = customer_client.get(url(company)).content.decode()
    assert "Autopay for members" in member and "Refund policy" not in member
    assert Client().get(url(company, "a/autopay-for-members/")).status_code == 302
    assert customer_client.get(url(company, "a/autopay-for-members/")).status_code == 200
    assert customer_client.get(url(company, "a/refund-policy-staff/")).status_code == 404


def test_article_html_is_sanitised(company, articles):
    page = Client().get(url(company, "a/how-to-pay-an-invoice/")).content.decode()
    assert "<strong>Pay</strong>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert 'rel="noopener noreferrer nofollow"' in page


def test_another_companys_articles_are_not_found(company, other_company, articles):
    assert Client().get(url(other_company, "a/how-to-pay-an-invoice/")).status_code == 404
    assert "How to pay" not in Client().get(url(other_company, "search/?q=pay")).content.decode()


def test_search_and_suggestions(company, articles):
    found = Client().get(url(company, "search/?q=water supply")).content.decode()
    assert "Water heater leaking" in found and "How to pay" not in found
    suggested = Client().get(url(company, "suggest/?subject=my water heater")).content.decode()
    assert "Water heater leaking" in suggested
    assert "Autopay" not in Client().get(url(company, "suggest/?subject=autopay")).content.decode()


def test_one_vote_per_browser_and_per_customer(company, articles, customer_client):
    browser = Client(enforce_csrf_checks=True)
    path = url(company, "a/how-to-pay-an-invoice/vote/")
    csrf_post(browser, url(company, "a/how-to-pay-an-invoice/"), {})
    token = browser.cookies["csrftoken"].value
    browser.post(path, {"helpful": "yes", "csrfmiddlewaretoken": token})
    browser.post(path, {"helpful": "no", "csrfmiddlewaretoken": token})
    assert ArticleVote.objects.filter(article=articles["pay"]).count() == 1
    assert ArticleVote.objects.get(article=articles["pay"]).helpful is False
    csrf_post(customer_client, url(company, "a/how-to-pay-an-invoice/"), {})
    token = customer_client.cookies["csrftoken"].value
    for _ in range(2):
        customer_client.post(path, {"helpful": "yes", "csrfmiddlewaretoken": token})
    assert ArticleVote.objects.filter(article=articles["pay"]).count() == 2
    page = browser.get(url(company, "a/how-to-pay-an-invoice/")).content.decode()
    assert "Thank you for your feedback" in page


PUBLIC = {"name": "Sam", "email": "sam@example.net", "subject": "Leak", "body": "Help please"}


def test_public_form_errors_are_shown_next_to_the_field_and_nothing_is_saved(company, mailbox):
    client = Client(enforce_csrf_checks=True)
    response = csrf_post(
        client, url(company, "new/"), {**PUBLIC, "email": "not-an-email", "subject": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter an email address like name@example.com." in page
    assert "Please say in a few words what it is about." in page
    assert Ticket.objects.count() == 0 and mailbox.messages == []


def test_honeypot_filled_in_keeps_nothing(company, mailbox):
    response = csrf_post(
        Client(enforce_csrf_checks=True),
        url(company, "new/"),
        {**PUBLIC, "website": "http://bot.example"},
    )
    assert response.status_code == 302
    assert Ticket.objects.count() == 0 and mailbox.messages == []


def test_limits_per_address_per_ip_and_on_verification_emails(company, mailbox):
    client = Client(enforce_csrf_checks=True)
    for n in range(3):
        response = csrf_post(client, url(company, "new/"), {**PUBLIC, "subject": f"Leak {n}"})
        assert response.status_code == 302
    response = csrf_post(client, url(company, "new/"), {**PUBLIC, "subject": "Leak 4"})
    assert response.status_code == 400
    assert "already sent several confirmation emails" in response.content.decode()
    assert len(mailbox.to("sam@example.net")) == 3
    for n in range(7):
        csrf_post(client, url(company, "new/"), {**PUBLIC, "email": f"p{n}@example.net"})
    response = csrf_post(client, url(company, "new/"), {**PUBLIC, "email": "late@example.net"})
    assert "Too many requests from here" in response.content.decode()
    assert Ticket.objects.count() == 10


def test_confirmation_link_confirms_only_on_post(company, mailbox):
    client = Client(enforce_csrf_checks=True)
    csrf_post(client, url(company, "new/"), PUBLIC)
    link = re.search(r"https?://[^/]+(/h/\S+/confirm/\S+/)", mailbox.text(mailbox.messages[0]))[1]
    response = client.get(link)
    assert response["Cache-Control"] == "no-store"
    assert Ticket.objects.get().state == TicketState.UNVERIFIED
    response = csrf_post(client, link, {})
    assert "reached" in response.content.decode()
    assert Ticket.objects.get().state == TicketState.NEW


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile("leak.png", buffer.getvalue(), content_type="image/png")


def test_signed_in_ticket_is_attached_with_its_article_and_photo(
    company, articles, customer_client, mailbox
):
    response = csrf_post(
        customer_client,
        url(company, "new/"),
        {
            "subject": "Still leaking",
            "body": "After the fix",
            "article": articles["leak"].pk,
            "photos": png(),
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.state, ticket.customer, ticket.contact, ticket.article, ticket.source) == (
        TicketState.NEW,
        customer_client.contact.customer,
        customer_client.contact,
        articles["leak"],
        TicketSource.SSO,
    )
    attachment = ticket.attachments.get()
    file_url = url(company, f"requests/{ticket.pk}/files/{attachment.pk}/")
    served = customer_client.get(file_url)
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    assert Client().get(file_url).status_code == 302  # a visitor is sent to sign in
    other = help_client(
        Client(), company, make_portal_account(ContactFactory(customer__company=company))
    )
    assert other.get(file_url).status_code == 404
    assert other.get(url(company, f"requests/{ticket.pk}/")).status_code == 404


def make_ticket(company: Any, contact: Any) -> Ticket:
    return ticket_file(
        company=company,
        requester=Requester(
            email=contact.email, name=contact.name, customer=contact.customer, contact=contact
        ),
        subject="Invoice question",
        body="Why two visits?",
        source=TicketSource.PORTAL,
        actor=Actor.portal(contact.name),
    )


def test_access_link_page_shows_replies_never_notes_and_takes_a_reply(company, mailbox):
    contact = ContactFactory(customer__company=company)
    ticket = make_ticket(company, contact)
    staff = Actor.staff(staff_user(company))
    ticket_staff_reply(
        company=company, ticket_id=ticket.pk, body="Secret note", actor=staff, internal=True
    )
    ticket_staff_reply(
        company=company, ticket_id=ticket.pk, body="Public answer", actor=staff, internal=False
    )
    text = mailbox.text(mailbox.to(contact.email)[-1])
    link = re.search(r"https?://[^/]+(/h/\S+/t/\S+/)", text)[1]
    client = Client(enforce_csrf_checks=True)
    page = client.get(link)
    assert page["Referrer-Policy"] == "strict-origin"
    body = page.content.decode()
    assert "Public answer" in body and "Secret note" not in body
    response = csrf_post(client, link, {"body": "Thanks, that helps"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    assert ticket.messages.last().body == "Thanks, that helps"
    assert Client().get(url(company, f"t/{ticket.pk}/")).status_code == 404
    assert Client().get(url(company, "t/" + "x" * 43 + "/")).status_code == 404


def test_reopen_from_the_page_within_fourteen_days(company, customer_client, mailbox):
    ticket = make_ticket(company, customer_client.contact)
    ticket_staff_reply(
        company=company,
        ticket_id=ticket.pk,
        body="Done",
        internal=False,
        actor=Actor.staff(staff_user(company)),
        then_state=TicketState.RESOLVED,
    )
    path = url(company, f"requests/{ticket.pk}/")
    assert "Reopen this request" in customer_client.get(path).content.decode()
    csrf_post(customer_client, path, {"action": "reopen"})
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    ticket_staff_reply(
        company=company,
        ticket_id=ticket.pk,
        body="Done again",
        internal=False,
        actor=Actor.staff(staff_user(company)),
        then_state=TicketState.RESOLVED,
    )
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        fresh = help_client(Client(), company, customer_client.contact.portal_account)
        page = fresh.get(path).content.decode()
        assert "Reopen this request" not in page and "This request is closed" in page


def test_my_requests_lists_open_and_closed_of_this_customer_only(company, customer_client, mailbox):
    mine = make_ticket(company, customer_client.contact)
    theirs = make_ticket(company, ContactFactory(customer__company=company))
    page = customer_client.get(url(company, "requests/")).content.decode()
    assert f"/requests/{mine.pk}/" in page and f"/requests/{theirs.pk}/" not in page
    assert (
        f"/requests/{mine.pk}/"
        not in customer_client.get(url(company, "requests/?show=closed")).content.decode()
    )


# --- exact query counts (they do not grow with the data) ---------------------------------


def test_query_counts(
    company, articles, customer_client, django_assert_num_queries, mailbox, request_transaction
):
    ticket = make_ticket(company, customer_client.contact)
    for n in range(3):
        ticket_staff_reply(
            company=company,
            ticket_id=ticket.pk,
            body=f"r{n}",
            internal=False,
            actor=Actor.staff(staff_user(company)),
        )
    visitor = Client()
    visitor.get(url(company))
    # company; categories' articles; categories
    with django_assert_num_queries(3 + request_transaction):
        visitor.get(url(company))
    # company; article; related (no vote cookie yet: no vote query)
    with django_assert_num_queries(3 + request_transaction):
        visitor.get(url(company, "a/how-to-pay-an-invoice/"))
    # company; session; account; article; related; this customer's vote
    with django_assert_num_queries(6 + request_transaction):
        customer_client.get(url(company, "a/how-to-pay-an-invoice/"))
    # company; search
    with django_assert_num_queries(2 + request_transaction):
        visitor.get(url(company, "search/?q=water"))
    # company; session; account; tickets
    with django_assert_num_queries(4 + request_transaction):
        customer_client.get(url(company, "requests/"))
    # company; session; account; ticket; messages; attachments
    with django_assert_num_queries(6 + request_transaction):
        customer_client.get(url(company, f"requests/{ticket.pk}/"))
