"""The office inbox: unread first, a conversation links to the job it is about, opening it
reads it, a reply with photos reaches the customer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.messaging.models import Conversation, Message, MessageAttachment, Side, Topic
from doorstep.messaging.services import conversation_start, message_post

from ...factories import SYSTEM, TechnicianFactory
from ...servicerequests.helpers import PNG, csrf_post, png
from ..helpers import office_client
from .world import customer_with_contact, grow, job_assigned

pytestmark = pytest.mark.django_db


@pytest.fixture
def carla(company):
    return customer_with_contact(company, "Carla Diaz", "carla@example.com")


def start(customer, subject, **kwargs):
    return conversation_start(
        company=customer.company,
        customer=customer,
        subject=subject,
        body=kwargs.pop("body", "Hello?"),
        actor=SYSTEM,
        side=Side.CUSTOMER,
        **kwargs,
    )


def detail(conversation):
    return reverse("office:messages:detail", args=[conversation.pk])


def test_unread_conversations_come_first_and_link_to_their_job(company, other_company, carla):
    job = job_assigned(carla, TechnicianFactory(company=company))
    read = start(carla, "Old question, answered")
    Conversation.objects.filter(pk=read.pk).update(staff_unread=0)
    unread = start(carla, "When does Sam come?", topic=Topic.JOB, about_id=job.pk)
    Conversation.objects.filter(pk=unread.pk).update(last_message_at=read.last_message_at)
    newest_read = start(carla, "Thanks again")
    Conversation.objects.filter(pk=newest_read.pk).update(staff_unread=0)
    start(customer_with_contact(other_company, "Otto Other"), "Not yours")
    page = office_client(Client(), company, "office").get(reverse("office:messages:list"))
    text = page.content.decode()
    assert (
        text.index("When does Sam come?") < text.index("Thanks again") < text.index("Old question")
    )
    assert "Not yours" not in text
    assert (
        f'<a href="{reverse("office:jobs:detail", args=[job.pk])}">Job {job.display_number}</a>'
        in text
    )


def test_opening_a_conversation_reads_it_and_shows_the_customers_photos(company, carla):
    conversation = start(carla, "Look at this", photos=[png()])
    assert conversation.staff_unread == 1
    client = office_client(Client(), company, "office")
    text = client.get(detail(conversation)).content.decode()
    attachment = MessageAttachment.objects.get()
    photo_url = reverse("office:messages:attachment", args=[conversation.pk, attachment.pk])
    assert f'<img src="{photo_url}"' in text
    assert b"".join(client.get(photo_url).streaming_content) == PNG
    conversation.refresh_from_db()
    assert conversation.staff_unread == 0


def test_a_reply_with_a_photo_reaches_the_customer(
    company, carla, mailbox, django_capture_on_commit_callbacks
):
    conversation = start(carla, "Is it fixed?")
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(
            client,
            detail(conversation),
            {"body": "Yes, see the photo.", "photos": [png("done.png")]},
        )
    assert response.status_code == 302
    reply = Message.objects.get(conversation=conversation, side=Side.STAFF)
    assert reply.body == "Yes, see the photo." and reply.attachments.count() == 1
    conversation.refresh_from_db()
    assert conversation.customer_unread == 1
    [email] = mailbox.to("carla@example.com")
    assert f"/messages/{conversation.pk}" in mailbox.text(email)


def test_an_empty_reply_or_a_disguised_photo_is_refused_next_to_the_field(company, carla):
    conversation = start(carla, "Is it fixed?")
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    empty = csrf_post(client, detail(conversation), {"body": " "})
    assert empty.status_code == 400
    assert 'id="id_body_error">' in empty.content.decode()
    disguised = csrf_post(
        client, detail(conversation), {"body": "Here", "photos": [png("x.png", PNG + b"<script>")]}
    )
    assert disguised.status_code == 400
    assert 'id="id_photos_error">That file type is not accepted' in disguised.content.decode()
    assert not Message.objects.filter(side=Side.STAFF).exists()


def test_another_companys_conversation_is_not_found(company, other_company):
    theirs = start(customer_with_contact(other_company, "Otto Other"), "Private")
    assert office_client(Client(), company, "office").get(detail(theirs)).status_code == 404


@pytest.mark.parametrize("role", ["billing", "technician"])
def test_roles_without_messaging_get_the_403_page(company, carla, role):
    conversation = start(carla, "Hello")
    client = office_client(Client(), company, role)
    assert client.get(reverse("office:messages:list")).status_code == 403
    assert client.get(detail(conversation)).status_code == 403


# 4 of them are the office's frame (session, user, memberships, company).
QUERIES = {"list": 5, "detail": 7}


def test_message_pages_cost_the_same_for_a_small_and_a_big_company(
    company, carla, django_assert_num_queries
):
    conversation = start(carla, "Photos", photos=[png()])
    client = office_client(Client(), company, "office")
    urls = {"list": reverse("office:messages:list"), "detail": detail(conversation)}
    for _ in range(2):
        for name, url in urls.items():
            client.get(url)
            with django_assert_num_queries(QUERIES[name]):
                assert client.get(url).status_code == 200
        grow(company, 25)
        for _ in range(5):
            message_post(
                company=company,
                conversation_id=conversation.pk,
                side=Side.CUSTOMER,
                body="More",
                photos=[png()],
                actor=SYSTEM,
            )
