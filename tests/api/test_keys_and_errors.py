"""API keys (hash only, scopes, expiry, revocation, rotation, last_used_at), versions and the
one error shape."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from doorstep.core.audit import Actor
from doorstep.core.models import AuditEvent
from doorstep.integrations.keys import api_key_revoke, api_key_rotate
from doorstep.integrations.models import ApiKey
from doorstep.integrations.versions import CURRENT_VERSION

from .conftest import Api, make_api

pytestmark = pytest.mark.django_db
ERROR_KEYS = {"type", "code", "message", "field"}


def test_only_the_hash_of_a_key_is_stored(api):
    key = ApiKey.objects.get()
    assert key.secret_hash == hashlib.sha256(api.raw.encode()).hexdigest()
    secret = api.raw[len(key.prefix) + 1 :]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_apikey")
        assert secret not in repr(cursor.fetchall())
    assert AuditEvent.objects.filter(verb="api_key.created", target_id=key.pk).exists()


def test_management_command_prints_a_working_key_once(company):
    out = StringIO()
    call_command(
        "api_key_create", company=company.slug, scopes="customers:read", name="CRM", stdout=out
    )
    raw = out.getvalue().strip()
    response = Client().get("/api/v1/customers/", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response["Doorstep-Version"] == CURRENT_VERSION
    assert ApiKey.objects.get().scopes == ["customers:read"]


def test_no_key_a_wrong_key_a_revoked_or_expired_key_get_401(api, company):
    assert Client().get("/api/v1/customers/").status_code == 401
    wrong = Api(api.raw[:-3] + "xyz", company, api.key)
    response = wrong.get("/api/v1/customers/")
    assert response.status_code == 401 and set(response.json()) == ERROR_KEYS
    assert response["WWW-Authenticate"].startswith("Bearer")
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert api.get("/api/v1/customers/").status_code == 200
    api.key.expires_at = timezone.now() + timedelta(hours=1)
    api.key.save()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert api.get("/api/v1/customers/").status_code == 401
    api_key_revoke(company=company, key=api.key, actor=Actor.system("tests"))
    assert api.get("/api/v1/customers/").status_code == 401


def test_rotation_keeps_the_old_key_for_a_day_then_only_the_new(api, company):
    issued = api_key_rotate(company=company, key=api.key, actor=Actor.system("tests"))
    new = Api(issued.raw, company, issued.key)
    assert new.get("/api/v1/customers/").status_code == 200
    assert api.get("/api/v1/customers/").status_code == 200
    assert issued.key.scopes == api.key.scopes and issued.key.version == api.key.version
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert api.get("/api/v1/customers/").status_code == 401
        assert new.get("/api/v1/customers/").status_code == 200


def test_last_used_at_is_written_at_most_once_a_minute(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api.get("/api/v1/customers/")
        first = ApiKey.objects.get().last_used_at
        assert first == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        api.get("/api/v1/customers/")
        assert ApiKey.objects.get().last_used_at == first
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        api.get("/api/v1/customers/")
        assert ApiKey.objects.get().last_used_at == start + timedelta(seconds=61)


def test_scopes_are_enforced_and_write_implies_read(company):
    reader = make_api(company, ["customers:read"])
    assert reader.get("/api/v1/customers/").status_code == 200
    response = reader.post("/api/v1/customers/", {"name": "No"})
    assert response.status_code == 403
    assert response.json()["code"] == "missing_scope"
    assert reader.get("/api/v1/invoices/").status_code == 403
    writer = make_api(company, ["customers:write"])
    assert writer.get("/api/v1/customers/").status_code == 200
    assert writer.post("/api/v1/customers/", {"name": "Yes"}).status_code == 201
    assert (
        make_api(company, ["payments:read"])
        .post("/api/v1/payments/1/refunds/", {"amount": 1})
        .status_code
        == 403
    )


def test_version_header_known_or_refused(api):
    response = api.get("/api/v1/customers/", headers={"Doorstep-Version": CURRENT_VERSION})
    assert response["Doorstep-Version"] == CURRENT_VERSION
    response = api.get("/api/v1/customers/", headers={"Doorstep-Version": "1999-01-01"})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_version"


def test_every_4xx_has_the_one_shape_and_no_stack_trace(api, settings):
    settings.DEBUG = True  # even then: no technical page
    cases = [
        (api.get("/api/v1/nowhere/"), 404),
        (api.get("/api/v1/customers/999999/"), 404),
        (api.client.delete("/api/v1/customers/", headers=api._headers(None)), 405),
        (
            api.client.post(
                "/api/v1/customers/",
                "name=x",
                content_type="application/x-www-form-urlencoded",
                headers=api._headers(None),
            ),
            415,
        ),
        (
            api.client.post(
                "/api/v1/customers/",
                "{not json",
                content_type="application/json",
                headers=api._headers(None),
            ),
            400,
        ),
        (api.post("/api/v1/customers/", ["a list"]), 400),
        (api.get("/api/v1/customers/", {"limit": 0}), 400),
        (api.get("/api/v1/customers/", {"cursor": "garbage"}), 400),
        (api.get("/api/v1/customers/", {"expand": "nothing"}), 400),
        (api.get("/api/v1/invoices/", {"expand": "job.location.customer"}), 400),
        (api.get("/api/v1/customers/", {"updated_since": "yesterday"}), 400),
    ]
    for response, status in cases:
        assert response.status_code == status, response.content
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert set(body) == ERROR_KEYS, body
        assert "Traceback" not in response.content.decode()


def test_a_business_rule_answers_in_the_offices_words(api, company):
    from tests.factories import CustomerFactory, make_invoice

    invoice = make_invoice(CustomerFactory(company=company), open_=False, lines=[])
    response = api.post(f"/api/v1/invoices/{invoice.pk}/send/")
    assert response.status_code == 400
    assert response.json() == {
        "type": "invalid_request",
        "code": "rule_broken",
        "message": f"{invoice.display_number} has no lines; add what you charge first.",
        "field": None,
    }


def test_a_missing_trailing_slash_gets_a_hint_not_a_redirect(api):
    response = api.post("/api/v1/customers", {"name": "x"})
    assert response.status_code == 404
    assert "/api/v1/customers/" in response.json()["message"]
