"""API keys: created, rotated and revoked by owners; looked up on every API request.

A key is `<prefix>_<secret>`: the prefix (public, shown in lists and logs) finds the row, and
the SHA-256 of the whole key is compared in constant time. The raw key exists only in the
answer to create/rotate.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb

from .models import ApiKey, ApiScope
from .versions import CURRENT_VERSION

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

PREFIX_START = "dsk_"
PREFIX_LENGTH = len(PREFIX_START) + 12
# How long the old key keeps working after a rotation, so a deployment can switch over.
ROTATION_OVERLAP = timedelta(hours=24)
# last_used_at is written at most this often: a busy key must not write on every request.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    raw: str  # shown once, never stored


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def scopes_check(scopes: Iterable[str]) -> list[str]:
    known = {scope.value for scope in ApiScope}
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in known]
    if unknown:
        raise DomainError(f"Unknown scope: {', '.join(unknown)}.", field="scopes")
    if not chosen:
        raise DomainError("Choose at least one thing this key may do.", field="scopes")
    return chosen


def _issue(
    *,
    company: Company,
    name: str,
    scopes: list[str],
    version: str,
    actor: Actor,
    expires_at: datetime | None,
) -> IssuedKey:
    prefix = PREFIX_START + secrets.token_hex(6)
    raw = f"{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        company=company,
        name=name,
        prefix=prefix,
        secret_hash=_hash(raw),
        scopes=scopes,
        version=version,
        created_by=actor.user if actor.user and actor.user.is_authenticated else None,
        expires_at=expires_at,
    )
    return IssuedKey(key=key, raw=raw)


@transaction.atomic
def api_key_create(
    *,
    company: Company,
    name: str,
    scopes: Iterable[str],
    actor: Actor,
    expires_at: datetime | None = None,
) -> IssuedKey:
    """A new key pinned to the current API version."""
    name = name.strip()
    if not name:
        raise DomainError("Give the key a name, e.g. the software that will use it.", field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("The expiry must be in the future.", field="expires_at")
    issued = _issue(
        company=company,
        name=name[:100],
        scopes=scopes_check(scopes),
        version=CURRENT_VERSION,
        actor=actor,
        expires_at=expires_at,
    )
    audit_record(
        company=company,
        target=issued.key,
        verb=Verb.API_KEY_CREATED,
        actor=actor,
        message=f"API key {issued.key.name} ({issued.key.prefix}) created",
        data={"scopes": issued.key.scopes},
    )
    return issued


@transaction.atomic
def api_key_rotate(*, company: Company, key: ApiKey, actor: Actor) -> IssuedKey:
    """A new secret with the same name, scopes and version; the old key keeps working for
    ROTATION_OVERLAP so the software using it can switch without downtime."""
    old = ApiKey.objects.select_for_update().get(pk=key.pk, company=company)
    if not old.usable():
        raise DomainError("This key is revoked or expired; create a new one instead.")
    issued = _issue(
        company=company,
        name=old.name,
        scopes=old.scopes,
        version=old.version,
        actor=actor,
        expires_at=old.expires_at,
    )
    overlap_end = timezone.now() + ROTATION_OVERLAP
    old.expires_at = min(old.expires_at, overlap_end) if old.expires_at else overlap_end
    old.replaced_by = issued.key
    old.save(update_fields=["expires_at", "replaced_by"])
    audit_record(
        company=company,
        target=old,
        verb=Verb.API_KEY_ROTATED,
        actor=actor,
        message=f"API key {old.prefix} replaced by {issued.key.prefix}",
    )
    return issued


@transaction.atomic
def api_key_revoke(*, company: Company, key: ApiKey, actor: Actor) -> ApiKey:
    """The key stops working at once. Revoking twice changes nothing."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk, company=company)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(
            company=company,
            target=key,
            verb=Verb.API_KEY_REVOKED,
            actor=actor,
            message=f"API key {key.name} ({key.prefix}) revoked",
        )
    return key


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The usable key this raw value is, or None (unknown, wrong secret, revoked, expired)."""
    if not raw.startswith(PREFIX_START) or len(raw) < PREFIX_LENGTH + 2:
        return None
    key = (
        ApiKey.objects.select_related("company")  # scope: the company comes from the key
        .filter(prefix=raw[:PREFIX_LENGTH])
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(raw)):
        return None
    now = timezone.now()
    if not key.usable(now):
        return None
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_EVERY:
        # Conditional: of many concurrent requests at most one writes per minute.
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
        ).update(last_used_at=now)
    return key


def api_keys_of(*, company: Company) -> list[ApiKey]:
    return list(ApiKey.objects.for_company(company).select_related("created_by"))


def api_key_find(*, company: Company, key_id: int) -> ApiKey | None:
    return ApiKey.objects.for_company(company).filter(pk=key_id).first()


def api_key_for_demo(*, company: Company, actor: Actor) -> str:
    """The demo company's API key (every scope), made once and printed by `manage.py demo`
    on every run. The secret is derived from SECRET_KEY and the company, so it can be printed
    again while only its hash is stored; another installation has another key. Demo data
    only: a real company's keys are random and shown once."""
    from django.conf import settings

    prefix = PREFIX_START + "demo" + hashlib.sha256(company.slug.encode()).hexdigest()[:8]
    secret = hmac.new(
        settings.SECRET_KEY.encode(), f"demo-api-key:{company.pk}".encode(), hashlib.sha256
    ).hexdigest()
    raw = f"{prefix}_{secret}"
    if not ApiKey.objects.filter(prefix=prefix).exists():  # scope: prefixes are global
        key = ApiKey.objects.create(
            company=company,
            name="Demo integration",
            prefix=prefix,
            secret_hash=_hash(raw),
            scopes=[scope.value for scope in ApiScope],
            version=CURRENT_VERSION,
        )
        audit_record(
            company=company,
            target=key,
            verb=Verb.API_KEY_CREATED,
            actor=actor,
            message=f"API key {key.name} ({key.prefix}) created",
        )
    return raw
