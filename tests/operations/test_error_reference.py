"""Every error page shows the request id, so support can find the one log line."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import staff_user

from .log_capture import console_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


def test_the_portal_error_page_shows_the_request_id(production, client, company):
    response = client.get(f"/p/{company.slug}/invoices/999999/")
    assert response.status_code in (302, 404)
    response = client.get(f"/p/{company.slug}/no-such-page/")
    assert response.status_code == 404
    assert f"Reference for support: <code>{response['X-Request-ID']}</code>" in (
        response.content.decode()
    )


def test_the_plain_404_page_shows_the_request_id(production, client):
    response = client.get("/no/such/page/", headers={"X-Request-ID": "support-case-000042"})
    assert response.status_code == 404
    assert "<code>support-case-000042</code>" in response.content.decode()


def test_the_office_forbidden_page_shows_the_request_id(production, client, company):
    client.force_login(staff_user(company, role="technician"))
    response = client.get("/office/settings/")
    assert response.status_code == 403
    assert f"<code>{response['X-Request-ID']}</code>" in response.content.decode()


@pytest.mark.urls("tests.operations.error_urls")
def test_the_500_page_and_its_log_line_share_the_request_id(production):
    with console_lines() as lines:
        response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    body = response.content.decode()
    assert f"<code>{request_id}</code>" in body and "secret internal detail" not in body
    assert lines.one("doorstep.request")["request_id"] == request_id
    error = lines.one("django.request")
    assert error["request_id"] == request_id and "Traceback" in error["traceback"]


@pytest.mark.urls("tests.operations.error_urls")
def test_the_api_500_body_names_the_request_id(production):
    response = Client(raise_request_exception=False).get("/api/v1/broken/")
    assert response.status_code == 500
    assert response.json() == {
        "type": "api_error",
        "code": "server_error",
        "message": "Something went wrong on our side. Try again.",
        "field": None,
        "request_id": response["X-Request-ID"],
    }
