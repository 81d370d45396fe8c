"""/api/v1/webhook_endpoints: the same services as the office; the secret shown once."""

from __future__ import annotations

from standardwebhooks import Webhook

from doorstep.integrations.models import ApiScope, WebhookEndpoint

from .conftest import make_api


def test_create_shows_the_secret_once_and_a_delivery_verifies_with_it(
    company, django_capture_on_commit_callbacks, receiver
):
    receiver_url = receiver.url
    api = make_api(company)
    response = api.post(
        "/api/v1/webhook_endpoints/",
        {"url": receiver_url, "event_types": ["invoice.paid"], "description": "ERP"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["object"] == "webhook_endpoint"
    assert body["secret"].startswith("whsec_")
    assert body["event_types"] == ["invoice.paid"]
    assert response["Cache-Control"] == "no-store"

    shown = api.get(f"/api/v1/webhook_endpoints/{body['id']}/").json()
    assert "secret" not in shown
    assert api.get("/api/v1/webhook_endpoints/").json()["data"][0]["id"] == body["id"]

    with django_capture_on_commit_callbacks(execute=True):
        test = api.post(f"/api/v1/webhook_endpoints/{body['id']}/test/")
    assert test.status_code == 200
    request = receiver.requests[0]
    assert Webhook(body["secret"]).verify(request.body, request.headers)["type"] == "webhook.test"
    assert request.headers["webhook-id"] == test.json()["id"]


def test_bad_input_is_a_400_on_the_field_and_saves_nothing(company, settings):
    settings.DOORSTEP_WEBHOOKS_ALLOW_HTTP = False
    api = make_api(company)
    for body, field in [
        ({"url": "http://example.com/x"}, "url"),
        ({"url": "https://10.0.0.1/x"}, "url"),
        ({"url": "https://example.com/x", "event_types": ["invoice.eaten"]}, "event_types"),
        ({}, "url"),
    ]:
        response = api.post("/api/v1/webhook_endpoints/", body)
        assert response.status_code == 400, body
        assert response.json()["field"].startswith(field), response.json()
    assert not WebhookEndpoint.objects.exists()


def test_patch_rotate_disable_and_delete(company):
    api = make_api(company)
    created = api.post("/api/v1/webhook_endpoints/", {"url": "https://example.com/a"}).json()
    path = f"/api/v1/webhook_endpoints/{created['id']}/"

    changed = api.patch(path, {"url": "https://example.com/b", "enabled": False}).json()
    assert changed["url"] == "https://example.com/b"
    assert changed["enabled"] is False
    assert "API" in changed["disabled_reason"]

    rotated = api.post(path + "rotate/").json()
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"] is not None

    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


def test_reading_needs_a_webhooks_scope(company):
    api = make_api(company, scopes=[ApiScope.CUSTOMERS_READ])
    assert api.get("/api/v1/webhook_endpoints/").status_code == 403
    reader = make_api(company, scopes=[ApiScope.WEBHOOKS_READ])
    assert reader.get("/api/v1/webhook_endpoints/").status_code == 200
    assert reader.post("/api/v1/webhook_endpoints/", {"url": "https://e.com/"}).status_code == 403
