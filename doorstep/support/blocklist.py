"""Blocked senders: an address or a whole domain refused on every way a ticket comes in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb

from .models import BlockedSender

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

REFUSED = "We cannot accept requests from this email address. Please call us instead."


def is_blocked(*, company: Company, email: str) -> bool:
    address = (email or "").strip().lower()
    domain = address.rsplit("@", 1)[-1] if "@" in address else ""
    patterns = [address] + ([domain] if domain else [])
    return BlockedSender.objects.for_company(company).filter(pattern__in=patterns).exists()


def refuse_blocked(*, company: Company, email: str, field: str = "email") -> None:
    if is_blocked(company=company, email=email):
        raise DomainError(REFUSED, field=field)


def normalise_pattern(value: str) -> str:
    value = value.strip().lower().lstrip("@")
    if not value or " " in value or "." not in value.rsplit("@", 1)[-1]:
        raise DomainError(
            "Enter an email address (name@example.com) or a domain (example.com).",
            field="pattern",
        )
    return value


def block_sender(
    *, company: Company, pattern: str, reason: str = "", actor: Actor
) -> BlockedSender:
    cleaned = normalise_pattern(pattern)
    blocked, _ = BlockedSender.objects.get_or_create(
        company=company, pattern=cleaned, defaults={"reason": reason[:200]}
    )
    audit_record(
        company=company,
        target=blocked,
        verb=Verb.HELP_SENDER_BLOCKED,
        actor=actor,
        message=f"Blocked {cleaned}",
    )
    return blocked


def unblock_sender(*, company: Company, blocked_id: int, actor: Actor) -> None:
    blocked = BlockedSender.objects.for_company(company).filter(pk=blocked_id).first()
    if blocked is None:
        return
    audit_record(
        company=company,
        target=blocked,
        verb=Verb.HELP_SENDER_UNBLOCKED,
        actor=actor,
        message=f"Unblocked {blocked.pattern}",
    )
    blocked.delete()
