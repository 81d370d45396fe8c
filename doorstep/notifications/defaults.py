"""The company's default channels for customers who have not chosen their own (seed 004:
"set default notification preferences for newly invited clients"). A customer's own choice
(NotificationPreference) always wins; an event the company left alone keeps the built-in
default of events.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from doorstep.core.audit import Actor, audit_record
from doorstep.core.verbs import Verb

from .events import EVENTS
from .models import NotificationEvent

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def default_channels(*, company: Company, event: str) -> tuple[bool, bool]:
    """(email, text) for a customer of this company without a choice of their own."""
    spec = EVENTS[event]
    saved = (company.settings.notification_defaults or {}).get(event)
    if not isinstance(saved, dict):
        return spec.email_default, spec.sms_default
    return bool(saved.get("email", spec.email_default)), bool(saved.get("sms", spec.sms_default))


def defaultable_events() -> list[str]:
    return [event for event, spec in EVENTS.items() if spec.choosable]


@transaction.atomic
def notification_defaults_save(
    *, company: Company, choices: dict[str, tuple[bool, bool]], actor: Actor
) -> list[str]:
    """choices: event -> (email, text). Returns the events whose default changed (audited)."""
    settings = company.settings
    current = dict(settings.notification_defaults or {})
    changed = []
    for event in defaultable_events():
        if event not in choices:
            continue
        email, sms = choices[event]
        if default_channels(company=company, event=event) != (email, sms):
            changed.append(event)
        current[event] = {"email": email, "sms": sms}
    if changed:
        settings.notification_defaults = current
        settings.save(update_fields=["notification_defaults"])
        audit_record(
            company=company,
            target=settings,
            verb=Verb.SETTINGS_CHANGED,
            actor=actor,
            message="Default notifications for new customers: "
            + ", ".join(str(NotificationEvent(e).label) for e in changed),
            data={"notification_defaults": {e: current[e] for e in changed}},
        )
    return changed
