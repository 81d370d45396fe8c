"""The staff page: invite (email with a password link), change a role, remove after a
confirmation, never the last owner; exact query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.tenancy.models import Membership

from ...factories import staff_user
from ..helpers import office_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(company):
    return office_client(Client(), company, "owner", first_name="Olive")


def test_staff_page_query_count_does_not_grow_with_the_team(
    owner, company, django_assert_num_queries, request_transaction
):
    owner.get("/office/staff/")
    with django_assert_num_queries(5 + request_transaction):
        assert owner.get("/office/staff/").status_code == 200
    for _ in range(10):
        staff_user(company, "technician")
    with django_assert_num_queries(5 + request_transaction):
        assert owner.get("/office/staff/").status_code == 200


def test_invite_from_the_page_emails_the_colleague(owner, company, mailbox):
    response = owner.post(
        "/office/staff/", {"email": "dana@example.test", "name": "Dana Lee", "role": "billing"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(company=company, user__email="dana@example.test")
    assert membership.role == "billing" and membership.user.first_name == "Dana"
    assert "/office/staff/welcome/" in mailbox.text(mailbox.to("dana@example.test")[0])
    page = owner.get("/office/staff/").content.decode()
    assert "dana@example.test" in page and "Invited" in page


def test_a_bad_email_is_refused_next_to_the_field(owner, company, mailbox):
    response = owner.post("/office/staff/", {"email": "not-an-email", "role": "office"})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert Membership.objects.filter(company=company).count() == 1
    assert mailbox.messages == []


def test_role_change_and_the_last_owner_rule(owner, company):
    me = Membership.objects.get(company=company, user=owner.staff_user)
    response = owner.post(f"/office/staff/{me.pk}/role", {f"m{me.pk}-role": "office"}, follow=True)
    assert "only owner" in response.content.decode()
    assert Membership.objects.get(pk=me.pk).role == "owner"
    other = Membership.objects.get(user=staff_user(company, "technician"))
    owner.post(f"/office/staff/{other.pk}/role", {f"m{other.pk}-role": "office"})
    assert Membership.objects.get(pk=other.pk).role == "office"


def test_removing_asks_first_and_never_removes_the_last_owner(owner, company):
    other = Membership.objects.get(user=staff_user(company, "office", email="sam@example.test"))
    confirm = owner.get(f"/office/staff/{other.pk}/remove")
    assert "Remove" in confirm.content.decode() and "sam@example.test" in confirm.content.decode()
    owner.post(f"/office/staff/{other.pk}/remove")  # without the confirmation: asks again
    assert Membership.objects.filter(pk=other.pk).exists()
    owner.post(f"/office/staff/{other.pk}/remove", {"confirmed": "1"})
    assert not Membership.objects.filter(pk=other.pk).exists()
    me = Membership.objects.get(company=company, user=owner.staff_user)
    response = owner.post(f"/office/staff/{me.pk}/remove", {"confirmed": "1"}, follow=True)
    assert "must keep one" in response.content.decode()
    assert Membership.objects.filter(pk=me.pk).exists()


def test_another_companys_colleague_is_a_404(owner, other_company):
    theirs = Membership.objects.get(user=staff_user(other_company, "office"))
    assert owner.get(f"/office/staff/{theirs.pk}/remove").status_code == 404
    owner.post(f"/office/staff/{theirs.pk}/remove", {"confirmed": "1"})
    assert Membership.objects.filter(pk=theirs.pk).exists()
