"""The job page lists the customer's own conversations about that job (asked with "Ask about
this job"), so an answer is found where the question was asked."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.core.audit import Actor
from doorstep.messaging.models import Side, Topic
from doorstep.messaging.services import conversation_start, message_post

from ..portal_helpers import sign_in
from .conftest import customer_with_one_of_each

pytestmark = pytest.mark.django_db


def _ask(company, who, subject, *, about):
    return conversation_start(
        company=company,
        customer=who["customer"],
        subject=subject,
        body="Will you call first?",
        topic=Topic.JOB,
        about_id=about.pk,
        actor=Actor.portal(who["account"].email),
        portal_account=who["account"],
    )


def test_the_job_page_lists_the_questions_about_it_with_their_unread_answers(company, alice):
    asked = _ask(company, alice, "Call before you come?", about=alice["job"])
    message_post(
        company=company,
        conversation_id=asked.pk,
        side=Side.STAFF,
        body="Yes, we will.",
        actor=Actor.system("Office"),
    )
    # A conversation about something else is not listed.
    conversation_start(
        company=company,
        customer=alice["customer"],
        subject="A general question",
        body="Hello",
        actor=Actor.portal(alice["account"].email),
        portal_account=alice["account"],
    )
    client = Client()
    sign_in(client, alice["account"])
    body = client.get(f"/p/{company.slug}/jobs/{alice['job'].pk}/").content.decode()
    assert "Your messages about this job" in body
    assert "Call before you come?" in body and f"/messages/{asked.pk}" in body
    assert "1 new" in body
    assert "A general question" not in body


def test_another_customers_question_about_their_job_never_shows(company, alice):
    bob = customer_with_one_of_each(company, "Bob")
    _ask(company, bob, "Bob's own question", about=bob["job"])
    client = Client()
    sign_in(client, alice["account"])
    body = client.get(f"/p/{company.slug}/jobs/{alice['job'].pk}/").content.decode()
    assert "Your messages about this job" not in body and "Bob's own question" not in body
