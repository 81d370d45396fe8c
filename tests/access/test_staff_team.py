"""The company's staff: invitations with a single-use password link, roles, removal, and the
rule that a company always keeps an owner."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from doorstep.access.staff import staff_invite, staff_remove, staff_role_change
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.models import AuditEvent
from doorstep.notifications.models import Notification
from doorstep.tenancy.models import Membership

from ..factories import staff_user

pytestmark = pytest.mark.django_db(transaction=True)
LINK = re.compile(r"https://portal\.example\.test(/office/staff/welcome/[\w-]+/[\w-]+)")


@pytest.fixture
def owner(company):
    return staff_user(company, "owner", first_name="Olive", last_name="Owner")


def invite(company, owner, email="dana@example.test", role="office"):
    return staff_invite(company=company, email=email, role=role, actor=Actor.staff(owner))


def test_invitation_creates_the_membership_and_emails_a_single_use_password_link(
    company, owner, mailbox
):
    membership = invite(company, owner, email="Dana@Example.test")
    user = membership.user
    assert membership.role == "office" and user.email == "dana@example.test"
    assert user.is_staff and not user.has_usable_password()
    [message] = mailbox.to("dana@example.test")
    assert "Olive Owner invited you" in mailbox.text(message)
    path = LINK.search(mailbox.text(message)).group(1)
    # The secret is not kept in the outbox once sent.
    row = Notification.objects.get(template="staff_invitation")
    assert path.rsplit("/", 1)[-1] not in str(row.context)
    assert AuditEvent.objects.filter(verb="staff.invited", company=company).count() == 1

    client = Client(enforce_csrf_checks=False)
    for _ in range(2):  # opening the link (or a mail scanner) does not use it up
        assert client.get(path).status_code == 200
    response = client.post(
        path, {"new_password1": "a long pass phrase", "new_password2": "a long pass phrase"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a long pass phrase")
    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_a_colleague_already_on_the_team_is_refused(company, owner):
    invite(company, owner)
    with pytest.raises(DomainError, match="already works for"):
        invite(company, owner, email="DANA@example.test")
    assert Membership.objects.filter(company=company).count() == 2


def test_someone_with_an_account_elsewhere_is_added_without_a_new_password(
    company, other_company, owner, mailbox
):
    existing = staff_user(other_company, "billing", email="sam@example.test")
    membership = invite(company, owner, email="sam@example.test", role="billing")
    assert membership.user == existing
    assert get_user_model().objects.filter(email="sam@example.test").count() == 1
    text = mailbox.text(mailbox.to("sam@example.test")[0])
    assert "usual password" in text and "/staff/welcome/" not in text


def test_the_last_owner_can_be_neither_removed_nor_demoted(company, owner):
    only = Membership.objects.get(company=company, user=owner)
    with pytest.raises(DomainError, match="only owner"):
        staff_remove(company=company, membership=only, actor=Actor.staff(owner))
    with pytest.raises(DomainError, match="only owner"):
        staff_role_change(company=company, membership=only, role="office", actor=Actor.staff(owner))
    assert Membership.objects.get(pk=only.pk).role == "owner"

    second = invite(company, owner, email="co@example.test", role="owner")
    staff_role_change(company=company, membership=only, role="office", actor=Actor.staff(owner))
    assert Membership.objects.get(pk=only.pk).role == "office"
    with pytest.raises(DomainError):
        staff_remove(company=company, membership=second, actor=Actor.staff(owner))
    staff_remove(company=company, membership=only, actor=Actor.staff(owner))
    assert not Membership.objects.filter(pk=only.pk).exists()
    verbs = set(AuditEvent.objects.filter(company=company).values_list("verb", flat=True))
    assert {"staff.role_changed", "staff.removed"} <= verbs
