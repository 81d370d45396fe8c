"""Idempotent writes: the `Idempotency-Key` of a request and its stored response.

The claim is committed on its own before the write runs, so a concurrent repeat sees it at
once: while the first is running the repeat gets a 409; afterwards the stored response is
replayed (24 h). The same key with a different request (method, path or body) is a 422.
A request that failed with a server error releases its claim, so it can be retried.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotencyState, IdempotentRequest

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

from .models import ApiKey

KEEP_FOR = timedelta(hours=24)


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class Claim:
    """What to do with the request: `run` it (we hold the claim), `replay` the stored
    response, or refuse it as a `conflict` (still running) or a `mismatch` (other body)."""

    outcome: str
    record: IdempotentRequest | None = None


def idempotency_claim(*, company: Company, api_key: ApiKey, key: str, fingerprint: str) -> Claim:
    now = timezone.now()
    rows = IdempotentRequest.objects.for_company(company).filter(api_key=api_key, key=key)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    company=company,
                    api_key=api_key,
                    key=key,
                    fingerprint=fingerprint,
                    state=IdempotencyState.IN_PROGRESS,
                    expires_at=now + KEEP_FOR,
                )
            return Claim("run", record)
        except IntegrityError:
            pass
        existing = rows.first()
        if existing is None:
            continue  # released meanwhile: claim again
        if existing.expires_at <= now:
            rows.filter(pk=existing.pk, expires_at__lte=now).delete()
            continue
        if existing.fingerprint != fingerprint:
            return Claim("mismatch", existing)
        if existing.state == IdempotencyState.IN_PROGRESS:
            return Claim("conflict", existing)
        return Claim("replay", existing)
    return Claim("conflict", None)


def idempotency_finish(*, record: IdempotentRequest, status: int, body: str) -> None:
    """Keep the answer (any 2xx-4xx: a refused request is refused again the same way) or
    release the key after a server error."""
    rows = IdempotentRequest.objects.filter(pk=record.pk)  # scope: the claim we hold
    if status >= 500:
        rows.delete()
        return
    rows.update(state=IdempotencyState.DONE, response_status=status, response_body=body)


def idempotency_prune(*, now: datetime | None = None) -> int:
    deleted, _ = IdempotentRequest.objects.filter(  # scope: housekeeping over every company
        expires_at__lt=now or timezone.now()
    ).delete()
    return deleted
