"""Two-way messages between a customer and the office, with photos and unread counts."""

import pytest
from django.test import Client

from doorstep.messaging.models import Conversation, Message, MessageAttachment

from ..factories import ContactFactory, make_job, make_portal_account, staff_user
from ..portal_helpers import sign_in
from ..servicerequests.helpers import PNG, csrf_post, png

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account():
    return make_portal_account(ContactFactory())


@pytest.fixture
def office(account):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(account.company, username="dana", first_name="Dana"))
    return client


def start(client, account, **data):
    company = account.company
    fields = {"about": "general", "subject": "Leaking tap", "body": "It drips all night."}
    fields.update(data)
    return csrf_post(client, f"/p/{company.slug}/messages/new", fields)


def test_customer_writes_office_answers_both_get_told(account, office, mailbox):
    company = account.company
    job = make_job(account.customer, title="Replace tap")
    customer = Client(enforce_csrf_checks=True)
    sign_in(customer, account)
    response = start(customer, account, about=f"job:{job.pk}", photos=[png()])
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.job == job and conversation.staff_unread == 1
    [attachment] = MessageAttachment.objects.all()
    assert attachment.file.name.startswith(f"company-{company.pk}/messages/")
    [to_office] = mailbox.to(company.support_email)
    assert "Leaking tap" in to_office["Subject"] and "It drips all night." in mailbox.text(
        to_office
    )
    assert f"/office/admin/messaging/conversation/{conversation.pk}/change/" in mailbox.text(
        to_office
    )

    change = f"/office/admin/messaging/conversation/{conversation.pk}/change/"
    inbox = office.get("/office/admin/messaging/conversation/?unread=yes").content.decode()
    assert "Leaking tap" in inbox
    thread = office.get(change).content.decode()
    assert "It drips all night." in thread and f"Job {job.display_number}" in thread
    conversation.refresh_from_db()
    assert conversation.staff_unread == 0  # read by opening it
    staff_photo = office.get(
        f"/office/admin/messaging/conversation/{conversation.pk}/attachments/{attachment.pk}/"
    )
    assert staff_photo["Content-Disposition"].startswith("attachment")
    assert b"".join(staff_photo.streaming_content) == PNG

    assert csrf_post(office, change, {"body": "Sam can come Tuesday."}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.customer_unread == 1
    [to_customer] = mailbox.to(account.email)
    text = mailbox.text(to_customer)
    assert "Leaking tap" in to_customer["Subject"]
    assert f"https://portal.example.test/p/{company.slug}/messages/{conversation.pk}" in text
    assert to_customer["List-Unsubscribe"]

    listing = customer.get(f"/p/{company.slug}/messages/").content.decode()
    assert "1 new" in listing
    page = customer.get(f"/p/{company.slug}/messages/{conversation.pk}").content.decode()
    assert "Sam can come Tuesday." in page and "Dana" in page
    conversation.refresh_from_db()
    assert conversation.customer_unread == 0

    reply = csrf_post(
        customer, f"/p/{company.slug}/messages/{conversation.pk}", {"body": "Tuesday works."}
    )
    assert reply.status_code == 302
    assert Message.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "   "}, "Write a message first."),
        ({"subject": ""}, "Give your message a subject."),
        ({"about": "job:999999"}, "Select a valid choice"),
        ({"photos": "polyglot"}, "not accepted"),
        ({"photos": "six"}, "You can attach up to 5 photos."),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_stored(account, data, message, mailbox):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, account)
    if data.get("photos") == "polyglot":
        data = {"photos": [png("x.png", PNG + b"<script>alert(1)</script>")]}
    elif data.get("photos") == "six":
        data = {"photos": [png(f"{n}.png") for n in range(6)]}
    response = start(client, account, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Conversation.objects.exists() and not Message.objects.exists()
    assert mailbox.messages == []


def test_a_script_in_a_message_is_shown_as_text(account, office, mailbox):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, account)
    start(client, account, subject="<b>hi</b>", body="<script>alert('x')</script>")
    conversation = Conversation.objects.get()
    for page in (
        client.get(f"/p/{account.company.slug}/messages/").content.decode(),
        client.get(f"/p/{account.company.slug}/messages/{conversation.pk}").content.decode(),
        office.get(
            f"/office/admin/messaging/conversation/{conversation.pk}/change/"
        ).content.decode(),
    ):
        assert "<script>alert(" not in page and "<b>hi</b>" not in page
        assert "&lt;script&gt;" in page or "&lt;b&gt;hi" in page
    [to_office] = mailbox.messages
    assert "<script>alert(" not in mailbox.html(to_office)


def test_staff_start_a_conversation_with_their_own_customers_only(account, office, mailbox):
    from ..factories import CustomerFactory

    stranger = CustomerFactory()  # another company
    form = office.get("/office/admin/messaging/conversation/add/").content.decode()
    assert account.customer.name in form and stranger.name not in form
    refused = csrf_post(
        office,
        "/office/admin/messaging/conversation/add/",
        {"customer": str(stranger.pk), "subject": "Hi", "body": "Hello"},
    )
    assert refused.status_code == 400 and not Conversation.objects.exists()
    sent = csrf_post(
        office,
        "/office/admin/messaging/conversation/add/",
        {"customer": str(account.customer.pk), "subject": "Your filter", "body": "Due soon."},
    )
    assert sent.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.customer_unread == 1 and conversation.staff_unread == 0
    [email] = mailbox.to(account.email)
    assert "Your filter" in email["Subject"]
