"""The text-message channel (Twilio), and STOP / START from Twilio's inbound webhook.

Texts go only to a number the customer verified with a code (the code itself is the one
exception), never after STOP, and never during the company's quiet hours unless urgent.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from doorstep.core.audit import Actor, audit_record
from doorstep.core.verbs import Verb

from .models import CustomerPhone, Notification, NotificationEvent
from .quiet_hours import quiet_until
from .send_time import resolve
from .services import NotificationDeferred, NotificationSkipped

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "YES", "UNSTOP", "OPTIN"}


class ApiBaseHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, pointed at `settings.TWILIO_API_BASE` when set (a local stand-in
    for api.twilio.com in tests and demos)."""

    def __init__(self, api_base: str = "") -> None:
        super().__init__(timeout=10)
        self.api_base = api_base.rstrip("/")
        # The SDK logs every request at INFO; keep our logs to what we choose to write.
        self.logger.setLevel(logging.WARNING)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if self.api_base and url.startswith(TWILIO_API):
            url = self.api_base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def sms_configured(company: Company) -> bool:
    s = company.settings
    return bool(
        s.sms_enabled and s.twilio_account_sid and s.twilio_auth_token and s.twilio_from_number
    )


def twilio_client(company: Company) -> Client:
    s = company.settings
    return Client(
        s.twilio_account_sid,
        s.twilio_auth_token,
        http_client=ApiBaseHttpClient(settings.TWILIO_API_BASE),
    )


def send_sms(notification: Notification) -> None:
    company = notification.company
    if not sms_configured(company):
        raise NotificationSkipped("Text messages are switched off for this company.")
    phone = CustomerPhone.objects.filter(
        company=company, customer_id=notification.context.get("customer_id")
    ).first()
    is_code = notification.template == NotificationEvent.PHONE_VERIFICATION
    if phone is None or phone.phone != notification.recipient:
        raise NotificationSkipped("The number is no longer on the customer's record.")
    if phone.opted_out_at is not None:
        raise NotificationSkipped("The customer texted STOP.")
    if phone.verified_at is None and not is_code:
        raise NotificationSkipped("The number is not verified.")
    if not notification.context.get("urgent"):
        until = quiet_until(company)
        if until is not None:
            raise NotificationDeferred(until)
    body = resolve(str(notification.context.get("body", "")), company=company)
    twilio_client(company).messages.create(
        to=notification.recipient, from_=company.settings.twilio_from_number, body=body
    )
    # Never keep a verification code in the "as sent" column.
    notification.subject = "(verification code)" if is_code else body[:300]


@transaction.atomic
def sms_inbound_handle(*, company: Company, from_number: str, body: str) -> str | None:
    """STOP opts every customer of this company with that number out; START opts back in.

    Returns "stop", "start" or None. Twilio itself answers STOP/START with its own reply.
    """
    word = body.strip().upper()
    if word in STOP_WORDS:
        action, opted_out_at = "stop", timezone.now()
    elif word in START_WORDS:
        action, opted_out_at = "start", None
    else:
        return None
    for phone in CustomerPhone.objects.for_company(company).filter(phone=from_number):
        phone.opted_out_at = opted_out_at
        phone.save(update_fields=["opted_out_at", "updated_at"])
        audit_record(
            company=company,
            target=phone,
            verb=Verb(f"sms.{action}"),
            actor=Actor.system("Twilio"),
            message="Texted STOP: no more texts" if action == "stop" else "Texted START",
        )
    return action
