"""The office's webhook endpoints: owners add one (secret shown once), change, switch off and
delete it (asked first), read the attempt log, resend, replay a time range and send a test
event; other roles get the 403 page; pages cost the same queries however long the log."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from doorstep.core.audit import Actor
from doorstep.core.models import AuditEvent
from doorstep.integrations.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from doorstep.integrations.webhooks.endpoints import webhook_endpoint_create
from doorstep.integrations.webhooks.outbox import webhook_emit

from ..helpers import office_client

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


@pytest.fixture
def owner(company):
    return office_client(Client(), company, "owner")


def _endpoint(company, url="https://hooks.example.com/in", **kwargs):
    return webhook_endpoint_create(
        company=company, url=url, event_types=kwargs.get("event_types", []), actor=ACTOR
    )


def test_an_owner_adds_an_endpoint_and_sees_the_secret_once(
    company, owner, receiver, django_capture_on_commit_callbacks
):
    response = owner.post(
        reverse("office:integrations:webhook_new"),
        {"url": receiver.url, "event_types": ["invoice.paid"], "description": "ERP"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.company, endpoint.event_types) == (company, ["invoice.paid"])
    detail = owner.get(reverse("office:integrations:webhook", args=[endpoint.pk]))
    assert secret not in detail.content.decode()
    assert AuditEvent.objects.filter(verb="webhook_endpoint.created").exists()

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(reverse("office:integrations:webhook_test", args=[endpoint.pk]))
    request = receiver.requests[0]
    assert Webhook(secret).verify(request.body, request.headers)["type"] == "webhook.test"
    log = owner.get(reverse("office:integrations:webhook", args=[endpoint.pk])).content.decode()
    assert "webhook.test" in log and "Delivered" in log


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(owner, settings):
    settings.DOORSTEP_WEBHOOKS_ALLOW_HTTP = False
    for url, words in [
        ("", "Enter the URL that should receive the events."),
        ("http://example.com/in", "The URL must start with https://."),
        ("https://169.254.169.254/latest", "link-local"),
    ]:
        response = owner.post(reverse("office:integrations:webhook_new"), {"url": url})
        assert response.status_code == 200
        assert words in response.content.decode(), url
    assert not WebhookEndpoint.objects.exists()


def test_switching_off_and_deleting_ask_first(company, owner):
    endpoint = _endpoint(company).endpoint
    disable = reverse("office:integrations:webhook_disable", args=[endpoint.pk])
    assert "Switch this endpoint off?" in owner.get(disable).content.decode()
    owner.post(disable)  # not confirmed: nothing happens
    endpoint.refresh_from_db()
    assert endpoint.enabled
    owner.post(disable, {"confirmed": "1"})
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert "Switched off by" in endpoint.disabled_reason

    owner.post(reverse("office:integrations:webhook_enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.enabled

    delete = reverse("office:integrations:webhook_delete", args=[endpoint.pk])
    assert "Delete this endpoint?" in owner.get(delete).content.decode()
    owner.post(delete, {"confirmed": "1"})
    assert not WebhookEndpoint.objects.exists()


def test_rotate_asks_first_and_shows_the_new_secret_once(company, owner):
    endpoint = _endpoint(company).endpoint
    url = reverse("office:integrations:webhook_rotate", args=[endpoint.pk])
    assert "two signatures" in owner.get(url).content.decode()
    response = owner.post(url, {"confirmed": "1"})
    assert response.context["secret"].startswith("whsec_")
    endpoint.refresh_from_db()
    assert endpoint.previous_secret_expires_at is not None


def test_resend_and_replay_send_again_with_the_same_webhook_id(
    company, owner, receiver, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(company, url=receiver.url).endpoint
    with django_capture_on_commit_callbacks(execute=True):
        event = webhook_emit(company=company, type="invoice.paid", data={"id": 1})
    delivery = WebhookDelivery.objects.get(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(reverse("office:integrations:webhook_resend", args=[delivery.pk]))
    assert [r.headers["webhook-id"] for r in receiver.requests] == [event.public_id] * 2

    here = ZoneInfo(company.timezone or "UTC")  # the office reads times where the company is
    start = timezone.localtime(timezone=here) - timedelta(hours=1)
    end = timezone.localtime(timezone=here) + timedelta(hours=1)
    fmt = "%Y-%m-%dT%H:%M"
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            reverse("office:integrations:webhook_replay", args=[endpoint.pk]),
            {"start": start.strftime(fmt), "end": end.strftime(fmt)},
        )
    assert response.status_code == 302
    assert len(receiver.requests) == 3
    assert receiver.requests[2].headers["webhook-id"] == event.public_id
    assert WebhookDelivery.objects.filter(state=DeliveryState.SUCCEEDED).count() == 2

    bad = owner.post(
        reverse("office:integrations:webhook_replay", args=[endpoint.pk]),
        {"start": end.strftime(fmt), "end": start.strftime(fmt)},
    )
    assert "The end of the range must be after its start." in bad.content.decode()


@pytest.mark.parametrize("role", ["office", "billing", "technician"])
def test_only_owners_manage_webhooks(company, role):
    endpoint = _endpoint(company).endpoint
    client = office_client(Client(), company, role)
    assert client.get(reverse("office:integrations:webhooks")).status_code == 403
    assert (
        client.post(
            reverse("office:integrations:webhook_delete", args=[endpoint.pk]), {"confirmed": "1"}
        ).status_code
        == 403
    )
    assert WebhookEndpoint.objects.exists()


def test_another_companys_endpoint_is_404(company, other_company, owner):
    theirs = _endpoint(other_company).endpoint
    for name in ("webhook", "webhook_edit", "webhook_rotate", "webhook_disable", "webhook_delete"):
        url = reverse(f"office:integrations:{name}", args=[theirs.pk])
        assert owner.get(url).status_code == 404
        assert owner.post(url, {"confirmed": "1"}).status_code == 404
    assert WebhookEndpoint.objects.get().enabled


@pytest.mark.parametrize("events", [1, 6])
def test_the_pages_cost_the_same_queries_however_long_the_log(
    company, owner, events, django_assert_num_queries, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(company, url="http://127.0.0.1:9/down").endpoint  # nothing listens
    for n in range(events):
        with django_capture_on_commit_callbacks(execute=True):
            webhook_emit(company=company, type="invoice.paid", data={"id": n})
    detail = reverse("office:integrations:webhook", args=[endpoint.pk])
    owner.get(detail)  # warm the session
    # session, user, memberships, company, the endpoint, its deliveries (with events), attempts
    with django_assert_num_queries(7):
        response = owner.get(detail)
    assert response.content.decode().count("Resend<span") == events
    # session, user, memberships, company, the endpoints
    with django_assert_num_queries(5):
        owner.get(reverse("office:integrations:webhooks"))
