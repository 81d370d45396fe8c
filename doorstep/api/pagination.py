"""Cursor pagination over (updated_at, id), oldest change first, and `updated_since`.

The cursor is opaque to clients (base64 of the last row's sort key). A row changed while a
client pages moves to the end of the order (its updated_at grows), so it is met again later and
never skipped; no offset pagination, which skips and repeats rows when the data moves.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware
from rest_framework.request import Request

from .errors import ApiError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page:
    items: list[Model]
    has_more: bool
    next_cursor: str | None


def _cursor_encode(field: str, value: datetime, pk: int) -> str:
    raw = json.dumps([field, value.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_decode(cursor: str, field: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, value, pk = json.loads(raw)
        moment = datetime.fromisoformat(value)
        if name != field or not isinstance(pk, int) or is_naive(moment):
            raise ValueError
        return moment, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            400, "invalid_cursor", "This cursor is not valid; start again without it.", "cursor"
        ) from None


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit", "")
    if raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(
            400, "invalid_limit", f"limit is a whole number from 1 to {MAX_LIMIT}.", "limit"
        )
    return int(raw)


def _since(request: Request) -> datetime | None:
    raw = request.query_params.get("updated_since", "")
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        raise ApiError(
            400,
            "invalid_updated_since",
            "updated_since is a date and time such as 2026-12-01T09:30:00Z.",
            "updated_since",
        )
    return make_aware(moment) if is_naive(moment) else moment


def cursor_page(queryset: QuerySet, request: Request, *, field: str = "updated_at") -> Page:
    limit = _limit(request)
    since = _since(request)
    if since is not None:
        queryset = queryset.filter(**{f"{field}__gte": since})
    cursor = request.query_params.get("cursor", "")
    if cursor:
        value, pk = _cursor_decode(cursor, field)
        queryset = queryset.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk}))
    rows = list(queryset.order_by(field, "pk")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    next_cursor = (
        _cursor_encode(field, getattr(last, field), last.pk) if has_more and last else None
    )
    return Page(rows, has_more, next_cursor)


def list_body(page: Page, data: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "has_more": page.has_more,
        "next_cursor": page.next_cursor,
    }
