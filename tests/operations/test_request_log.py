"""One structured log line per request and per task; a request id support can find; never a
token, a full email address or a card number in the logs."""

from __future__ import annotations

import logging
import secrets

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import make_api
from tests.factories import ContactFactory, CustomerFactory, make_portal_account, staff_user
from tests.portal_helpers import sign_in

from .log_capture import console_lines

pytestmark = pytest.mark.django_db


def test_a_customer_page_writes_one_line_with_route_template_and_figures(client, company):
    account = make_portal_account(ContactFactory(customer=CustomerFactory(company=company)))
    sign_in(client, account)
    with console_lines() as lines, CaptureQueriesContext(connection) as queries:
        response = client.get(f"/p/{company.slug}/")
    assert response.status_code == 200
    line = lines.one("doorstep.request")
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["company_id"] == company.pk
    assert line["actor"] == "customer"
    assert line["route"] == "p/<slug:company_slug>/"
    assert (line["method"], line["status"]) == ("GET", 200)
    assert line["queries"] == len(queries) > 0
    assert isinstance(line["duration_ms"], float)


def test_staff_api_and_anonymous_requests_name_their_actor(client, company):
    owner = staff_user(company)
    client.force_login(owner)
    api = make_api(company)
    with console_lines() as lines:
        client.get("/office/")
        api.get("/api/v1/customers/")
        Client().get(f"/p/{company.slug}/sign-in")
        Client().get("/no/such/page/")
        Client().get(f"/h/{company.slug}/")
    got = [(r["actor"], r.get("company_id"), r["route"]) for r in lines.records("doorstep.request")]
    assert got[0][:2] == ("staff", company.pk)
    assert got[1][:2] == ("api", company.pk)
    assert got[2][:2] == ("anonymous", company.pk)
    assert got[3] == ("anonymous", None, "(no route)")
    assert got[4] == ("anonymous", company.pk, "h/<slug:company_slug>/")


def test_a_sign_in_link_token_never_reaches_the_log(company):
    token = secrets.token_urlsafe(32)
    with console_lines() as lines:
        response = Client().get(f"/p/{company.slug}/l/{token}?email=pat@example.com")
        logging.getLogger("django.request").warning("Not Found: /p/%s/l/%s", company.slug, token)
    assert response.status_code in (200, 404)
    assert token not in lines.text
    assert "pat@example.com" not in lines.text
    line = lines.records("doorstep.request")[0]
    assert line["route"] == "p/<slug:company_slug>/l/<str:token>"
    assert "[redacted]" in lines.records("django.request")[-1]["message"]


def test_emails_and_card_numbers_are_masked_whoever_logs_them():
    with console_lines() as lines:
        logging.getLogger("anything").info(
            "sent to pat.jones@example.com, card 4242 4242 4242 4242, order 1234567890123",
            extra={"recipient": "pat.jones@example.com"},
        )
    line = lines.records("anything")[0]
    assert line["message"] == "sent to p***@example.com, card [card number], order 1234567890123"
    assert line["recipient"] == "p***@example.com"
    assert "pat.jones" not in lines.text and "4242 4242" not in lines.text


def test_a_sane_incoming_request_id_is_kept_and_a_forged_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c21-0001"})
    assert kept["X-Request-ID"] == "lb-7f3a9c21-0001"
    for forged in ('x"},"actor":"staff', "a" * 200, "short", "pat@example.com"):
        answered = client.get("/healthz", headers={"X-Request-ID": forged})
        assert answered["X-Request-ID"] != forged
        assert len(answered["X-Request-ID"]) == 32


def test_lines_written_during_a_request_carry_its_request_id(client, company):
    with console_lines() as lines:
        response = client.get(f"/p/{company.slug}/no-such-page/")
    ids = {r.get("request_id") for r in lines.records()}
    assert ids == {response["X-Request-ID"]}


def test_a_task_writes_one_line_with_its_name_duration_and_outcome(company, mailbox):
    from doorstep.notifications.tasks import deliver_due_notifications

    with console_lines() as lines:
        deliver_due_notifications.enqueue()
    line = lines.one("doorstep.task")
    assert line["task"] == "doorstep.notifications.tasks.deliver_due_notifications"
    assert line["outcome"] == "successful"
    assert isinstance(line["duration_ms"], float)
    assert line["task_id"]


def test_api_errors_carry_the_request_id_header(client):
    response = client.get("/api/v1/customers/")  # no key
    assert response.status_code == 401
    assert len(response["X-Request-ID"]) == 32
    assert "request_id" not in response.json()  # 4xx bodies keep the documented shape


def test_the_plain_format_shows_the_request_id(client, settings):
    import io

    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        response = client.get("/healthz")
    finally:
        handler.setStream(old)
    assert f"[{response['X-Request-ID']}] GET healthz 200" in stream.getvalue()
