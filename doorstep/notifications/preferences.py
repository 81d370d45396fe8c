"""A customer's choices: which events reach them by email and/or text, their verified mobile
number, and one-click unsubscribes. Receipts and sign-in links are not in here: they always go."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb

from .customer_notices import message_render, message_template_for, sms_enqueue
from .defaults import default_channels
from .events import EVENTS
from .models import Channel, CustomerPhone, Notification, NotificationEvent, NotificationPreference
from .send_time import derived_code, new_nonce, reference
from .services import NotificationSkipped
from .sms import sms_configured

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

CODE_LIFETIME = timedelta(minutes=10)
CODE_RESEND_AFTER = timedelta(seconds=60)
CODE_MAX_ATTEMPTS = 5
CODE_SENDS_PER_HOUR = 3
PHONE_CODE_KIND = "phone_code"


@dataclass(frozen=True)
class PreferenceRow:
    event: str
    label: str
    email: bool
    sms: bool


def choosable_events() -> list[str]:
    return [event for event, spec in EVENTS.items() if spec.choosable]


def preferences_for_customer(*, company: Company, customer: Any) -> list[PreferenceRow]:
    saved = {
        p.event: p
        for p in NotificationPreference.objects.for_company(company).filter(customer=customer)
    }
    rows = []
    for event in choosable_events():
        pref = saved.get(event)
        email, sms = default_channels(company=company, event=event)
        rows.append(
            PreferenceRow(
                event=event,
                label=NotificationEvent(event).label,
                email=pref.email if pref else email,
                sms=pref.sms if pref else sms,
            )
        )
    return rows


@transaction.atomic
def preferences_save(
    *, company: Company, customer: Any, choices: dict[str, tuple[bool, bool]], actor: Actor
) -> None:
    """choices: event -> (email, sms). Events not offered to customers are ignored."""
    changed = []
    for event in choosable_events():
        email, sms = choices.get(event, (False, False))
        pref, _ = NotificationPreference.objects.get_or_create(
            company=company,
            customer=customer,
            event=event,
            defaults={"email": email, "sms": sms},
        )
        if (pref.email, pref.sms) != (email, sms):
            pref.email, pref.sms = email, sms
            pref.save(update_fields=["email", "sms", "updated_at"])
        changed.append(f"{event}: {'email ' if email else ''}{'text' if sms else ''}".strip())
    audit_record(
        company=company,
        target=customer,
        verb=Verb.NOTIFICATIONS_PREFERENCES_SAVED,
        actor=actor,
        message="Notification preferences saved",
        data={"choices": changed},
    )


@transaction.atomic
def email_unsubscribe(*, company: Company, customer: Any, event: str, actor: Actor) -> None:
    if event not in choosable_events():
        raise DomainError("That link is not valid.")
    pref, created = NotificationPreference.objects.get_or_create(
        company=company,
        customer=customer,
        event=event,
        defaults={"email": False, "sms": default_channels(company=company, event=event)[1]},
    )
    if not created and pref.email:
        pref.email = False
        pref.save(update_fields=["email", "updated_at"])
    audit_record(
        company=company,
        target=customer,
        verb=Verb.NOTIFICATIONS_UNSUBSCRIBED,
        actor=actor,
        message=f"Unsubscribed from emails: {NotificationEvent(event).label}",
    )


def phone_normalise(raw: str) -> str:
    """E.164. Ten digits are taken as a North American number."""
    digits = re.sub(r"\D", "", raw or "")
    if raw.strip().startswith("+") and 8 <= len(digits) <= 15:
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    raise DomainError(
        "Enter a mobile number such as (555) 123-4567 or +44 7700 900123.", field="phone"
    )


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def phone_verification_start(
    *, company: Company, customer: Any, phone: str, actor: Actor
) -> CustomerPhone:
    """Text a 6-digit code to the number. Until it is confirmed, nothing else is texted."""
    if not sms_configured(company):
        raise DomainError(f"{company.name} does not send text messages yet.", field="phone")
    number = phone_normalise(phone)
    now = timezone.now()
    record = (
        CustomerPhone.objects.select_for_update()
        .for_company(company)
        .filter(customer=customer)
        .first()
    )
    if record and record.code_sent_at and now - record.code_sent_at < CODE_RESEND_AFTER:
        raise DomainError(
            "We just sent a code. Please wait a minute before asking again.", field="phone"
        )
    sent_last_hour = Notification.objects.filter(
        company=company,
        channel=Channel.SMS,
        template=NotificationEvent.PHONE_VERIFICATION,
        context__customer_id=customer.pk,
        created_at__gt=now - timedelta(hours=1),
    ).count()
    if sent_last_hour >= CODE_SENDS_PER_HOUR:
        raise DomainError(
            f"We have texted you {CODE_SENDS_PER_HOUR} codes in the last hour. "
            "Please wait an hour before asking again, or use the last code we sent.",
            field="phone",
        )
    if record is None:
        record = CustomerPhone(company=company, customer=customer)
    if record.phone != number:
        record.phone, record.verified_at, record.opted_out_at = number, None, None
    # The text carries a reference, not the code: it is derived at send time (send_time.py).
    nonce = new_nonce()
    code = derived_code(PHONE_CODE_KIND, nonce)
    record.code_hash, record.code_sent_at, record.code_attempts = _code_hash(number, code), now, 0
    record.save()
    event = NotificationEvent.PHONE_VERIFICATION
    _, _, text = message_render(
        spec=EVENTS[event],
        texts=message_template_for(company=company, event=event),
        values={"company_name": company.name, "code": reference(PHONE_CODE_KIND, record.pk, nonce)},
    )
    sms_enqueue(
        company=company,
        customer=customer,
        phone=number,
        event=NotificationEvent.PHONE_VERIFICATION,
        body=text,
        urgent=True,  # the customer is waiting for it
        secret=True,
    )
    audit_record(
        company=company,
        target=record,
        verb=Verb.PHONE_CODE_SENT,
        actor=actor,
        message=f"Verification code texted to …{number[-4:]}",
    )
    return record


def phone_code_at_send(company: Company, args: list[str]) -> str:
    """Resolver of `[[send-time phone_code RECORD_ID NONCE]]`: the code, if still the one
    the number is waiting for (a newer code or a removed number: not sent)."""
    record_id, nonce = args
    record = CustomerPhone.objects.for_company(company).filter(pk=int(record_id)).first()
    code = derived_code(PHONE_CODE_KIND, nonce)
    if record is None or not hmac.compare_digest(record.code_hash, _code_hash(record.phone, code)):
        raise NotificationSkipped("This verification code was replaced or its number removed.")
    return code


def phone_verification_confirm(
    *, company: Company, customer: Any, code: str, actor: Actor
) -> CustomerPhone:
    """Not one transaction on purpose: a wrong guess must be counted even though we refuse."""
    record = CustomerPhone.objects.for_company(company).filter(customer=customer).first()
    if record is None or not record.code_hash or record.code_sent_at is None:
        raise DomainError("Ask for a code first.", field="code")
    if timezone.now() - record.code_sent_at > CODE_LIFETIME:
        raise DomainError("That code has expired. Ask for a new one.", field="code")
    if record.code_attempts >= CODE_MAX_ATTEMPTS:
        raise DomainError("Too many wrong codes. Ask for a new one.", field="code")
    if not hmac.compare_digest(record.code_hash, _code_hash(record.phone, code.strip())):
        CustomerPhone.objects.filter(pk=record.pk).update(code_attempts=F("code_attempts") + 1)
        raise DomainError("That code is not right. Check the text and try again.", field="code")
    return _phone_mark_verified(company=company, record=record, actor=actor)


@transaction.atomic
def _phone_mark_verified(*, company: Company, record: CustomerPhone, actor: Actor) -> CustomerPhone:
    record.verified_at, record.code_hash, record.code_attempts = timezone.now(), "", 0
    record.save()
    audit_record(
        company=company,
        target=record,
        verb=Verb.PHONE_VERIFIED,
        actor=actor,
        message=f"Mobile number …{record.phone[-4:]} verified",
    )
    return record


@transaction.atomic
def phone_remove(*, company: Company, customer: Any, actor: Actor) -> None:
    record = CustomerPhone.objects.for_company(company).filter(customer=customer).first()
    if record is None:
        return
    audit_record(
        company=company,
        target=customer,
        verb=Verb.PHONE_REMOVED,
        actor=actor,
        message=f"Mobile number …{record.phone[-4:]} removed",
    )
    record.delete()
