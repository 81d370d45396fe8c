"""The webhook inbox: verify, store once by provider event id, handle it exactly once.

Every provider turns its own raw request into a neutral `ProviderEvent` (providers/<name>/:
the signature check and the provider's event names stay there); the inbox stores that event
and handles it in our words. `webhook_receive` is the HTTP path: verify, then store and handle
in the request's one transaction (ADR 0004: a queued task per event cost 15-25 ms of queue
overhead and capped the inbox at 29-47 events/s). When handling fails, the event is stored
alone and the queue retries it (`handle_webhook_event`, then reconciliation).
`webhook_events_store` takes events a provider announced in-process (the demo provider) and
queues them; inside a tenant transaction `webhook_events_handle_now` stores and handles them at
once instead (docs/adr/0003: on_commit would wait for the whole request). A duplicate event
id is a no-op. `webhook_handle` runs in one transaction with the event row locked: the effects
and `handled_at` commit together, so a redelivered or re-run event does nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from doorstep.core.audit import Actor
from doorstep.core.money import format_money
from doorstep.tenancy import rls
from doorstep.tenancy.models import Company

from .ledger import payment_apply_result, payment_mismatch_record
from .locks import payment_lock
from .models import Payment, WebhookEvent, WebhookRejection
from .providers.base import (
    STATUS_FOR_KIND,
    ChargeResult,
    EventKind,
    InvalidSignature,
    ProviderEvent,
    connected_account,
    provider_named,
)
from .refunds import refund_sync
from .signals import webhook_event_stored

log = logging.getLogger("doorstep.payments.webhooks")

# PostgreSQL and SQLite (>= 3.35) both know ON CONFLICT ... RETURNING.
INBOX_INSERT = (
    "INSERT INTO payments_webhookevent "
    "(provider, event_id, event_type, account, payload, received_at, outcome) "
    "VALUES (%s, %s, %s, %s, %s, %s, '') "
    "ON CONFLICT (provider, event_id) DO NOTHING RETURNING id"
)


@dataclass(frozen=True)
class Received:
    status: int  # the HTTP answer: 200, or 400 for anything unsigned, forged or stale
    reason: str
    event_pk: int | None = None


def webhook_receive(
    *,
    provider: str,
    payload: bytes,
    signature: str,
    ip_address: str | None = None,
    enqueue: bool = True,
) -> Received:
    try:
        event = provider_named(provider).event_parse(payload=payload, signature=signature)
    except InvalidSignature as exc:
        WebhookRejection.objects.create(
            provider=provider,
            reason=str(exc)[:200],
            ip_address=ip_address,
            body_sha256=hashlib.sha256(payload).hexdigest(),
        )
        log.warning("webhook rejected (%s): %s", provider, exc)
        return Received(400, "invalid signature")
    if enqueue and settings.WEBHOOKS_HANDLE_IN_REQUEST:
        return _receive_and_handle(provider=provider, event=event)
    stored = webhook_events_store(provider=provider, events=[event], enqueue=enqueue)
    if not stored:
        return Received(200, "duplicate")
    return Received(200, "stored", stored[0])


def _receive_and_handle(*, provider: str, event: ProviderEvent) -> Received:
    """Store and handle in one transaction: the effects, the inbox row and its handled mark
    commit together or not at all. A concurrent delivery of the same id waits on the unique
    index for this transaction, then finds the row and does nothing. The new row needs no
    lock: no other transaction can see it before this one commits."""
    try:
        with transaction.atomic():
            stored_pk = _inbox_insert(provider=provider, event=event)
            if stored_pk is None:
                return Received(200, "duplicate")
            row = WebhookEvent(
                pk=stored_pk,
                provider=provider,
                event_id=event.event_id[:100],
                event_type=event.type[:80],
                account=event.account[:64],
            )
            _handled_mark(row, _dispatch(row, event))
            return Received(200, "handled", stored_pk)
    except DatabaseError as exc:
        # A deadlock, a serialization failure, a lost connection: the endpoint answers 503,
        # the provider retries any non-2xx answer and finds nothing stored (rolled back).
        log.warning("webhook %s %s not handled: %s", provider, event.event_id, exc)
        raise
    except Exception:
        # A bug or bad data in the handler: keep the event and let the queue retry it (and
        # record the failure there) rather than lose it or make the provider retry for days.
        log.exception("webhook %s %s: handling failed, queued", provider, event.event_id)
    stored = webhook_events_store(provider=provider, events=[event])
    return Received(200, "stored" if stored else "duplicate", stored[0] if stored else None)


def _handled_mark(row: WebhookEvent, outcome: str) -> None:
    row.handled_at = timezone.now()
    row.outcome = outcome[:200]
    WebhookEvent.objects.filter(pk=row.pk).update(
        handled_at=row.handled_at, outcome=row.outcome, company_id=row.company_id
    )


def webhook_events_store(
    *, provider: str, events: Sequence[ProviderEvent], enqueue: bool = True
) -> list[int]:
    """Store each new event once and have it handled after commit; returns the new rows."""
    stored = []
    for event in events:
        stored_pk = _inbox_insert(provider=provider, event=event)
        if stored_pk is None:
            continue
        stored.append(stored_pk)
        if enqueue:
            _announce(stored_pk)
    return stored


def webhook_events_handle_now(
    *, provider: str, events: Sequence[ProviderEvent], company_id: int
) -> list[int]:
    """Store each new event and handle it at once, in the current transaction: for events
    a provider announced in-process (the demo provider) about a payment of `company_id`,
    while a tenant transaction is open (checkout._events_deliver says when). Returns the new
    rows. As on the HTTP path (`_receive_and_handle`), a bug in a handler does not fail the
    caller: that event's savepoint is rolled back and it is stored for the queue instead."""
    stored = []
    for event in events:
        try:
            with transaction.atomic():
                stored_pk = _inbox_insert(provider=provider, event=event)
                if stored_pk is not None:
                    webhook_handle(event_pk=stored_pk, company_id=company_id)
        except DatabaseError:
            raise
        except Exception:
            log.exception("event %s %s: handling failed, queued", provider, event.event_id)
            stored.extend(webhook_events_store(provider=provider, events=[event]))
            continue
        if stored_pk is not None:
            stored.append(stored_pk)
    return stored


def _inbox_insert(*, provider: str, event: ProviderEvent) -> int | None:
    """Store the event once: the unique (provider, event_id) index decides, in one statement
    (a duplicate costs no exception, savepoint or extra SELECT). Returns None for a duplicate.
    A concurrent insert of the same id waits for the other transaction, then sees the row."""
    meta = WebhookEvent._meta
    payload_field = meta.get_field("payload")
    params = [
        provider,
        event.event_id[:100],
        event.type[:80],
        event.account[:64],
        payload_field.get_db_prep_save(event.as_json(), connection),
        meta.get_field("received_at").get_db_prep_save(timezone.now(), connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(INBOX_INSERT, params)
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _announce(event_pk: int) -> None:
    """tasks.py enqueues the handler (the inbox does not import the queue above it)."""
    webhook_event_stored.send(sender=WebhookEvent, event_pk=event_pk)


@transaction.atomic(savepoint=False)
def webhook_handle(*, event_pk: int, company_id: int | None = None) -> str:
    """Handle a stored event once. `company_id`: the company of the payment the event is
    about when the caller already knows it (an in-process event of its own payment), so it
    need not be looked up; else `_dispatch` learns it."""
    event = WebhookEvent.objects.select_for_update().filter(pk=event_pk).first()
    if event is None or event.handled_at is not None:
        return "already handled"
    stored = _stored_event(event)
    if company_id is None:
        outcome = _dispatch(event, stored)
    else:
        with rls.tenant_scope(company_id):
            outcome = _dispatch_in_scope(event, stored)
    _handled_mark(event, outcome)
    return outcome


def _stored_event(row: WebhookEvent) -> ProviderEvent:
    if ProviderEvent.is_stored_form(row.payload):
        return ProviderEvent.from_json(row.payload)
    # Stored before the inbox held neutral events: the provider reads its own raw body.
    try:
        return provider_named(row.provider).event_read(row.payload)
    except InvalidSignature:
        return ProviderEvent(event_id=row.event_id, kind=EventKind.UNUSED, type=row.event_type)


def _payment_for(row: WebhookEvent, event: ProviderEvent) -> tuple[Payment | None, str]:
    """The attempt the event is about, row-locked (locks.py), or None and why not."""
    metadata = event.metadata
    payment = None
    if metadata.get("payment_id"):
        try:
            payment = payment_lock(
                Payment.objects.filter(
                    pk=int(metadata["payment_id"]), company_id=int(metadata["company_id"])
                )
            )
        except (TypeError, ValueError, KeyError):
            payment = None
    if payment is None and event.payment_reference:
        payment = payment_lock(
            Payment.objects.filter(
                provider=row.provider, provider_reference=event.payment_reference
            )
        )
    if payment is None:
        return None, "ignored: no such payment"
    row.company_id = payment.company_id
    if payment.provider != row.provider:
        return None, "ignored: another provider"
    if event.account != _account_at(payment.company, row.provider):
        # An event of another company's connected account can never touch this payment.
        return None, "ignored: another account"
    return payment, ""


def _account_at(company: Company, provider: str) -> str:
    """The account the company charges on at this provider ("" once it uses another one)."""
    if company.settings.payment_provider != provider:
        return ""
    return connected_account(company)


def _event_company(row: WebhookEvent, event: ProviderEvent) -> int | None:
    """The company of the payment the event names, read by the maintenance role: the inbox
    learns it before handling the event in that company's tenant scope (docs/adr/0003). The
    same two look-ups as `_payment_for`, which then finds (and locks) the payment again
    under the policy."""
    metadata = event.metadata
    with rls.maintenance_scope():
        if metadata.get("payment_id"):
            try:
                found = (
                    Payment.objects.filter(
                        pk=int(metadata["payment_id"]), company_id=int(metadata["company_id"])
                    )
                    .values_list("company_id", flat=True)
                    .first()
                )
            except (TypeError, ValueError, KeyError):
                found = None
            if found is not None:
                return int(found)
        if event.payment_reference:
            found = (
                Payment.objects.filter(  # scope: learning the event's company is the point
                    provider=row.provider, provider_reference=event.payment_reference
                )
                .values_list("company_id", flat=True)
                .first()
            )
            return None if found is None else int(found)
    return None


def _dispatch(row: WebhookEvent, event: ProviderEvent) -> str:
    if not rls.tenant_transactions():
        return _dispatch_in_scope(row, event)  # the owner's connection: nothing to learn first
    company_id = _event_company(row, event)
    if company_id is None:
        return _dispatch_in_scope(row, event)  # no tenant: it finds no payment ("ignored")
    with rls.tenant_scope(company_id):
        return _dispatch_in_scope(row, event)


def _dispatch_in_scope(row: WebhookEvent, event: ProviderEvent) -> str:
    actor = Actor.webhook(f"{row.provider} {row.event_type}")
    if event.kind in STATUS_FOR_KIND:
        return _dispatch_payment(row, event, actor)
    if event.kind == EventKind.REFUND_UPDATED:
        return _dispatch_refunds(row, event, actor)
    return "ignored: event type not used"


def _dispatch_payment(row: WebhookEvent, event: ProviderEvent, actor: Actor) -> str:
    payment, why = _payment_for(row, event)
    if payment is None:
        return why
    if payment.provider_reference and payment.provider_reference != event.payment_reference:
        return "ignored: another intent"
    mismatch = _amount_mismatch(payment, event)
    if mismatch:
        payment_mismatch_record(payment=payment, reported=mismatch, actor=actor)
        return f"ignored: amount or currency mismatch on payment {payment.pk}"
    result = ChargeResult(
        status=STATUS_FOR_KIND[event.kind],
        reference=event.payment_reference,
        failure_code=event.failure_code,
        failure_message=event.failure_message,
    )
    before = payment.state
    after = payment_apply_result(
        payment_id=payment.pk, result=result, actor=actor, locked=payment
    ).state
    return f"payment {payment.pk}: {before} -> {after}"


def _amount_mismatch(payment: Payment, event: ProviderEvent) -> str:
    """What the event says moved, when that is not what this attempt asked for ('' when it
    is). A signed event only proves it came from the provider (and the account), not that it
    describes our charge: an intent for 1 JPY carrying our payment's metadata must not pay a
    $100.00 invoice."""
    numbers, currency = list(event.amounts), event.currency
    if currency == payment.currency.upper() and numbers and set(numbers) == {payment.amount}:
        return ""
    if not numbers or not currency:
        return f"an event without a usable amount and currency ({numbers}, {currency!r})"[:120]
    try:
        return ", ".join(f"{format_money(n, currency)} {currency}" for n in numbers)[:120]
    except (ValueError, KeyError, ArithmeticError):  # a currency code babel does not know
        return ", ".join(f"{n} {currency} (minor units)" for n in numbers)[:120]


def _dispatch_refunds(row: WebhookEvent, event: ProviderEvent, actor: Actor) -> str:
    payment, why = _payment_for(row, event)
    if payment is None:
        return why
    done = []
    for item in event.refunds:
        refund = refund_sync(
            payment=payment,
            reference=item.reference,
            amount=item.amount,
            status=item.status,
            actor=actor,
        )
        if refund is not None:
            done.append(f"{refund.pk}:{refund.state}")
    return f"payment {payment.pk} refunds " + (", ".join(done) or "unchanged")
