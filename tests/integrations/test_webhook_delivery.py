"""Signed deliveries to a real local receiver, verified by the `standardwebhooks` library;
the retry schedule, Retry-After, 410 and the 5-day switch-off."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks import Webhook

from doorstep.core.audit import Actor
from doorstep.integrations.models import DeliveryState, WebhookAttempt, WebhookDelivery
from doorstep.integrations.webhooks.delivery import RETRY_DELAYS, retry_delay, webhooks_deliver_due
from doorstep.integrations.webhooks.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoint_rotate,
)
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.tenancy.models import Membership, StaffRole
from tests.factories import UserFactory

from .receiver import Receiver

ACTOR = Actor.system("tests")


def _endpoint(company, url, **kwargs):
    return webhook_endpoint_create(
        company=company, url=url, event_types=kwargs.pop("event_types", []), actor=ACTOR, **kwargs
    )


def _emit(company, commit, type="invoice.paid", data=None):
    with commit(execute=True):
        return webhook_emit(company=company, type=type, data=data or {"id": 7, "amount_paid": 1250})


def test_a_delivery_is_signed_and_the_reference_library_verifies_it(
    company, receiver, django_capture_on_commit_callbacks
):
    issued = _endpoint(company, receiver.url)
    event = _emit(company, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    body = Webhook(issued.secret).verify(request.body, request.headers)
    assert body["type"] == "invoice.paid"
    assert body["data"] == {"id": 7, "amount_paid": 1250}
    assert request.headers["webhook-id"] == event.public_id
    assert event.public_id.startswith("msg_")
    assert issued.secret.startswith("whsec_")
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.state == DeliveryState.SUCCEEDED
    assert delivery.last_status_code == 200


def test_another_secret_does_not_verify(company, receiver, django_capture_on_commit_callbacks):
    from standardwebhooks.webhooks import WebhookVerificationError

    _endpoint(company, receiver.url)
    other = _endpoint(company, receiver.url.replace("/hooks", "/other"))
    _emit(company, django_capture_on_commit_callbacks)
    first = next(r for r in receiver.requests if r.path == "/hooks")
    with pytest.raises(WebhookVerificationError):
        Webhook(other.secret).verify(first.body, first.headers)


def test_the_secret_is_sealed_at_rest(company, receiver):
    issued = _endpoint(company, receiver.url)
    issued.endpoint.refresh_from_db()
    assert issued.secret not in issued.endpoint.secret_sealed
    assert issued.secret[6:] not in issued.endpoint.secret_sealed


def test_during_a_rotation_both_secrets_verify(
    company, receiver, django_capture_on_commit_callbacks
):
    old = _endpoint(company, receiver.url)
    new = webhook_endpoint_rotate(company=company, endpoint=old.endpoint, actor=ACTOR)
    _emit(company, django_capture_on_commit_callbacks)

    request = receiver.requests[0]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(old.secret).verify(request.body, request.headers)
    Webhook(new.secret).verify(request.body, request.headers)

    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        _emit(company, django_capture_on_commit_callbacks)
        later = receiver.requests[1]
        assert len(later.headers["webhook-signature"].split(" ")) == 1
        Webhook(new.secret).verify(later.body, later.headers)


def test_only_subscribed_endpoints_get_an_event_and_no_endpoint_stores_nothing(
    company, receiver, django_capture_on_commit_callbacks
):
    assert _emit(company, django_capture_on_commit_callbacks) is None  # no endpoint at all
    _endpoint(company, receiver.url, event_types=["job.status_changed"])
    assert _emit(company, django_capture_on_commit_callbacks, type="invoice.paid") is None
    assert receiver.requests == []
    _emit(company, django_capture_on_commit_callbacks, type="job.status_changed")
    assert len(receiver.requests) == 1


def test_the_endpoints_are_read_once_for_the_events_of_one_change_and_edits_seen_at_once(
    company, receiver, django_capture_on_commit_callbacks
):
    """A paid invoice emits invoice.paid and payment.succeeded in one transaction: one look-up
    of the company's endpoints, not one per event; an endpoint switched off or added through
    this process counts for the very next event."""
    endpoint = _endpoint(company, receiver.url).endpoint
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as q:
        webhook_emit(company=company, type="invoice.paid", data={"id": 1})
        webhook_emit(company=company, type="payment.succeeded", data={"id": 2})
    lookups = [x for x in q.captured_queries if 'FROM "integrations_webhookendpoint"' in x["sql"]]
    assert len(lookups) == 1, lookups
    assert len(receiver.requests) == 2
    webhook_endpoint_disable(company=company, endpoint=endpoint, actor=ACTOR, reason="test")
    assert _emit(company, django_capture_on_commit_callbacks) is None
    _endpoint(company, receiver.url, event_types=["invoice.paid"])
    assert _emit(company, django_capture_on_commit_callbacks) is not None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_emits_nothing(company, receiver):
    _endpoint(company, receiver.url)

    class ChangeFailed(Exception):
        pass

    with pytest.raises(ChangeFailed), transaction.atomic():
        webhook_emit(company=company, type="invoice.paid", data={"id": 1})
        raise ChangeFailed

    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []

    with transaction.atomic():
        webhook_emit(company=company, type="invoice.paid", data={"id": 2})
    assert len(receiver.requests) == 1  # delivered after commit


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_receiver_that_was_down_gets_the_event_on_the_retry(
    company, django_capture_on_commit_callbacks
):
    port = _free_port()
    issued = _endpoint(company, f"http://127.0.0.1:{port}/hooks")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        event = _emit(company, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get(event=event)
        assert delivery.state == DeliveryState.PENDING
        assert delivery.attempts == 1
        assert "Could not connect" in delivery.last_error
        assert delivery.next_attempt_at >= start + timedelta(seconds=5)
        assert delivery.next_attempt_at <= start + timedelta(seconds=6)
        issued.endpoint.refresh_from_db()
        assert issued.endpoint.failing_since == start

        receiver = Receiver().start(port=port)
        try:
            assert webhooks_deliver_due() == 0  # not due yet: the 5 s have not passed
            clock.shift(timedelta(seconds=7))
            assert webhooks_deliver_due() == 1
        finally:
            receiver.stop()

    request = receiver.requests[0]
    Webhook(issued.secret).verify(request.body, request.headers)
    assert request.headers["webhook-id"] == event.public_id  # the same id on every retry
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED
    assert list(
        WebhookAttempt.objects.filter(delivery=delivery)
        .order_by("number")
        .values_list("number", "succeeded")
    ) == [(1, False), (2, True)]
    issued.endpoint.refresh_from_db()
    assert issued.endpoint.failing_since is None


def test_the_schedule_is_standard_webhooks_and_ends_after_eight_attempts():
    assert RETRY_DELAYS == [5, 300, 1800, 7200, 18000, 36000, 36000]
    for attempts, seconds in enumerate(RETRY_DELAYS, start=1):
        delay = retry_delay(attempts)
        assert delay is not None
        assert timedelta(seconds=seconds) <= delay <= timedelta(seconds=seconds * 1.2)
    assert retry_delay(8) is None


def test_only_2xx_is_success_and_retry_after_is_honoured(
    company, receiver, django_capture_on_commit_callbacks
):
    _endpoint(company, receiver.url)
    receiver.answer(302, Location="http://127.0.0.1:1/elsewhere")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        event = _emit(company, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.state == DeliveryState.PENDING
    assert "redirects are not followed" in delivery.last_error
    assert len(receiver.requests) == 1  # the redirect was not followed

    receiver.answer(503, Retry_After="600")
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        webhooks_deliver_due()
    delivery.refresh_from_db()
    assert delivery.last_status_code == 503
    assert delivery.next_attempt_at >= start + timedelta(seconds=610)


def test_410_switches_the_endpoint_off_and_emails_the_owners(
    company, receiver, mailbox, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="owner@example.com")
    Membership.objects.create(company=company, user=owner, role=StaffRole.OWNER)
    issued = _endpoint(company, receiver.url)
    receiver.answer(410)
    with django_capture_on_commit_callbacks(execute=True):
        event = webhook_emit(company=company, type="invoice.paid", data={"id": 1})
    issued.endpoint.refresh_from_db()
    assert issued.endpoint.enabled is False
    assert "410" in issued.endpoint.disabled_reason
    assert WebhookDelivery.objects.get(event=event).state == DeliveryState.CANCELLED
    assert [m["To"] for m in mailbox.messages] == ["owner@example.com"]
    assert "switched off" in mailbox.messages[0]["Subject"]

    _emit(company, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1  # nothing more is sent to a switched-off endpoint


def test_failing_for_five_days_switches_off_and_emails_the_owners(
    company, mailbox, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="boss@example.com")
    Membership.objects.create(company=company, user=owner, role=StaffRole.OWNER)
    issued = _endpoint(company, f"http://127.0.0.1:{_free_port()}/hooks")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _emit(company, django_capture_on_commit_callbacks)
        for _day in range(4):
            clock.shift(timedelta(days=1))
            _emit(company, django_capture_on_commit_callbacks)
        issued.endpoint.refresh_from_db()
        assert issued.endpoint.enabled is True  # four days of failures: still on
        assert mailbox.messages == []

        clock.shift(timedelta(days=1, minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            webhooks_deliver_due()
    issued.endpoint.refresh_from_db()
    assert issued.endpoint.enabled is False
    assert "5 days" in issued.endpoint.disabled_reason
    assert [m["To"] for m in mailbox.messages] == ["boss@example.com"]
    assert not WebhookDelivery.objects.filter(state=DeliveryState.PENDING).exists()


def test_the_body_is_the_snapshot_at_the_moment_of_the_change(
    company, receiver, django_capture_on_commit_callbacks
):
    issued = _endpoint(company, receiver.url)
    data = {"id": 3, "status": "open"}
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(company=company, type="invoice.sent", data=data)
        data["status"] = "changed later"  # the caller's dict changing afterwards changes nothing
    body = json.loads(receiver.requests[0].body)
    Webhook(issued.secret).verify(receiver.requests[0].body, receiver.requests[0].headers)
    assert body["data"]["status"] == "open"


def test_a_company_without_endpoints_pays_one_query_per_change(company, django_assert_num_queries):
    def snapshot():
        raise AssertionError("no endpoint wants it: the snapshot is never built")

    with django_assert_num_queries(1):
        assert webhook_emit(company=company, type="invoice.paid", data=snapshot) is None
