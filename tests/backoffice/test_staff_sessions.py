"""Staff sessions end after STAFF_SESSION_IDLE_HOURS without a request (default 8) and when the
user's roles change; the clock is moved with time-machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from doorstep.tenancy.models import Membership

from ..factories import CompanyFactory, staff_user

pytestmark = pytest.mark.django_db

START = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)
PAGE = "/office/admin/customers/customer/"


def signed_in(client: Client, user) -> None:
    page = client.get("/office/admin/login/")
    assert page.status_code == 200
    response = client.post(
        "/office/admin/login/?next=/office/",
        {
            "username": user.username,
            "password": "correct-horse-battery",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302


def is_signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/office/admin/login/")


def test_idle_for_more_than_8_hours_signs_out(company):
    client = Client(enforce_csrf_checks=True)
    user = staff_user(company)
    with time_machine.travel(START, tick=False) as clock:
        signed_in(client, user)
        assert client.get(PAGE).status_code == 200
        clock.move_to(START + timedelta(hours=7, minutes=59))
        assert client.get(PAGE).status_code == 200  # still in time; the idle clock restarts
        clock.move_to(START + timedelta(hours=15, minutes=58))
        assert client.get(PAGE).status_code == 200  # 7 h 59 after the last request
        key = client.cookies["doorstep_staff"].value
        clock.move_to(START + timedelta(hours=24))  # 8 h 2 min idle
        response = client.get(PAGE)
        assert is_signed_out(response)
        assert not Session.objects.filter(session_key=key).exists()
        assert is_signed_out(client.get(PAGE))


def test_the_idle_limit_is_a_setting(company, settings):
    settings.STAFF_SESSION_IDLE_HOURS = 1
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(START, tick=False) as clock:
        signed_in(client, staff_user(company))
        clock.move_to(START + timedelta(minutes=59))
        assert client.get(PAGE).status_code == 200
        clock.move_to(START + timedelta(hours=2))
        assert is_signed_out(client.get(PAGE))


def test_a_role_change_ends_the_users_sessions(company):
    user = staff_user(company, role="owner")
    laptop, phone = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    signed_in(laptop, user)
    signed_in(phone, user)
    assert laptop.get("/office/admin/payments/payment/").status_code == 200
    old_keys = {c.cookies["doorstep_staff"].value for c in (laptop, phone)}
    Membership.objects.filter(user=user, company=company).update(role="technician")
    for client in (laptop, phone):
        assert is_signed_out(client.get("/office/admin/payments/payment/"))
    assert not Session.objects.filter(session_key__in=old_keys).exists()
    # Signing in again gives the new role's rights, and the session then lasts.
    signed_in(laptop, user)
    assert laptop.get("/office/admin/payments/payment/").status_code == 403
    assert laptop.get("/office/admin/jobs/job/").status_code == 200


def test_removing_or_adding_a_membership_ends_the_session(company):
    user = staff_user(company, role="billing")
    client = Client(enforce_csrf_checks=True)
    signed_in(client, user)
    Membership.objects.create(user=user, company=CompanyFactory(), role="office")
    assert is_signed_out(client.get(PAGE))
    signed_in(client, user)
    assert client.get(PAGE).status_code == 200
    Membership.objects.filter(user=user, company=company).delete()
    assert is_signed_out(client.get(PAGE))


def test_browsing_writes_the_session_at_most_once_a_minute(company):
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(START, tick=False) as clock:
        signed_in(client, staff_user(company))
        client.get(PAGE)
        clock.move_to(START + timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        writes = [q["sql"] for q in queries if "django_session" in q["sql"]]
        assert len(writes) == 1 and writes[0].startswith("SELECT")  # read, never written
