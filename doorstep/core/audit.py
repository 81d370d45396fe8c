"""Writing and reading audit events. Every state change calls `audit_record`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from .models import ActorType, AuditEvent
from .verbs import Verb

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


@dataclass(frozen=True)
class Actor:
    """Who did it: a staff user, a portal account, the payment provider, or the system."""

    type: str
    label: str = ""
    user: Any = None
    ip_address: str | None = None

    @classmethod
    def staff(cls, user: Any, ip_address: str | None = None) -> Actor:
        label = (user.get_full_name() or user.get_username()) if user else "Staff"
        return cls(ActorType.STAFF, label, user, ip_address)

    @classmethod
    def portal(cls, label: str, ip_address: str | None = None) -> Actor:
        return cls(ActorType.PORTAL, label, None, ip_address)

    @classmethod
    def system(cls, label: str = "Doorstep") -> Actor:
        return cls(ActorType.SYSTEM, label)

    @classmethod
    def webhook(cls, label: str = "Payment provider") -> Actor:
        return cls(ActorType.WEBHOOK, label)


def audit_record(
    *,
    company: Company,
    target: models.Model,
    verb: Verb,
    actor: Actor,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    event = audit_event(
        company=company, target=target, verb=verb, actor=actor, message=message, data=data
    )
    event.save(force_insert=True)
    return event


def audit_event(
    *,
    company: Company,
    target: models.Model,
    verb: Verb,
    actor: Actor,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit row, for code that writes several in one statement (bulk_create)."""
    return AuditEvent(
        company=company,
        target_type=target._meta.model_name or "",
        target_id=target.pk,
        verb=verb,
        message=message[:500],
        actor_type=actor.type,
        actor_user=actor.user if actor.user and actor.user.is_authenticated else None,
        actor_label=actor.label[:200],
        ip_address=actor.ip_address,
        data=data or {},
    )


def audit_for(*, company: Company, target: models.Model) -> models.QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.for_company(company)
        .filter(target_type=target._meta.model_name, target_id=target.pk)
        .select_related("actor_user")
    )
