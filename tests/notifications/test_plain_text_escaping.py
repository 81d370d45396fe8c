"""Email subjects and text parts are plain text: a company called "O'Brien & Sons" reaches the
inbox as written, never as "O&#x27;Brien &amp; Sons" (the HTML part still escapes it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps

from doorstep.access.invitations import portal_account_invite
from doorstep.core.audit import Actor
from doorstep.notifications.email import render_email
from doorstep.notifications.models import Notification
from doorstep.tenancy.models import SignInMode

from ..factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)
NAME = "Zoë O'Brien & Sons <Plumbing>"
ENTITIES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")


def test_the_invitation_subject_and_text_show_the_name_as_written(company, mailbox):
    company.name = NAME
    company.save()
    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.save()
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, email="pat@example.test")
    portal_account_invite(company=company, customer=customer, actor=Actor.system("Office"))
    [message] = mailbox.to("pat@example.test")
    assert message["Subject"].strip() == f"You're invited to the {NAME} customer portal"
    text = mailbox.text(message)
    assert NAME in text and not any(e in text for e in ENTITIES)
    html = mailbox.html(message)
    assert "<Plumbing>" not in html  # the HTML part is still escaped


def _email_templates() -> list[str]:
    names = set()
    for config in apps.get_app_configs():
        for path in (Path(config.path) / "templates" / "emails").glob("*.subject.txt"):
            names.add(path.name.removesuffix(".subject.txt"))
    return sorted(names)


@pytest.mark.parametrize("template", _email_templates())
def test_no_email_subject_or_text_part_escapes_html(company, template):
    company.name = NAME
    company.save()
    notification = Notification(company=company, template=template, context={})
    subject, text, _html = render_email(notification)
    assert NAME in subject + text, template  # every email names the company somewhere
    for part in (subject, text):
        assert not any(e in part for e in ENTITIES), (template, part[:300])
