"""The SSRF guard: a delivery never connects into the network Doorstep runs in."""

from __future__ import annotations

import socket

import pytest

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.integrations.models import DeliveryState, WebhookAttempt, WebhookDelivery
from doorstep.integrations.webhooks.delivery import post
from doorstep.integrations.webhooks.endpoints import webhook_endpoint_create
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.ssrf import address_refusal, url_refusal

ACTOR = Actor.system("tests")


@pytest.fixture
def production(settings):
    settings.DOORSTEP_WEBHOOKS_ALLOW_HTTP = False
    settings.DOORSTEP_WEBHOOKS_ALLOW_LOOPBACK = False
    return settings


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "fe80::1",
        "fc00::1",
        "224.0.0.1",
        "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
        "100.64.0.1",
        "240.0.0.1",
    ],
)
def test_inside_addresses_are_refused(production, address):
    assert address_refusal(address) is not None


def test_a_public_address_is_allowed(production):
    assert address_refusal("93.184.216.34") is None
    assert address_refusal("2606:2800:220:1:248:1893:25c8:1946") is None


def test_loopback_only_with_the_setting(settings):
    settings.DOORSTEP_WEBHOOKS_ALLOW_LOOPBACK = True
    assert address_refusal("127.0.0.1") is None
    assert address_refusal("::1") is None
    assert address_refusal("10.0.0.1") is not None  # private stays refused


def test_http_is_refused_in_production(production):
    assert url_refusal("http://example.com/hooks") == "The URL must start with https://."
    assert url_refusal("https://example.com/hooks") is None
    assert url_refusal("ftp://example.com/") is not None
    assert url_refusal("https://user:pw@example.com/") is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.1/hooks",
        "https://127.0.0.1/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
    ],
)
def test_an_inside_address_cannot_be_registered(production, company, url):
    with pytest.raises(DomainError) as refused:
        webhook_endpoint_create(company=company, url=url, event_types=[], actor=ACTOR)
    assert refused.value.field == "url"
    assert "cannot send to this address" in refused.value.message


def test_a_name_that_resolves_inside_is_refused_at_delivery(production, monkeypatch):
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):  # the outside world: DNS
        if host == "hooks.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    outcome = post(url="https://hooks.example.test/in", body=b"{}", headers={}, now=None)
    assert outcome.status_code is None
    assert "10.1.2.3 is on a private network" in outcome.error


def test_localhost_is_refused_without_the_setting(production):
    outcome = post(url="https://localhost:9/in", body=b"{}", headers={}, now=None)
    assert "loopback" in outcome.error


def test_a_refused_delivery_is_logged_and_retried_not_sent(
    settings, company, receiver, django_capture_on_commit_callbacks
):
    issued = webhook_endpoint_create(company=company, url=receiver.url, event_types=[], actor=ACTOR)
    settings.DOORSTEP_WEBHOOKS_ALLOW_LOOPBACK = False  # e.g. the setting was switched off later
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(company=company, type="invoice.paid", data={"id": 1})
    assert receiver.requests == []
    attempt = WebhookAttempt.objects.get(endpoint=issued.endpoint)
    assert "loopback" in attempt.error
    assert WebhookDelivery.objects.get().state == DeliveryState.PENDING
