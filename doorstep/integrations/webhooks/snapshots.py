"""How a record looks in a webhook event: exactly as the API shows it.

The API (an entry app, above every domain app) registers one function per record type when it
starts (api/apps.py); the domain services, which cannot import the API, name the record and get
that representation. Without a registered function (a script that never loaded the API) the
snapshot is the bare `{"object", "id"}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model

    from doorstep.tenancy.models import Company

Representer = Callable[["Company", "Model"], dict[str, Any]]
REPRESENTERS: dict[str, Representer] = {}


def register_snapshot(object_type: str, represent: Representer) -> None:
    REPRESENTERS[object_type] = represent


def record_snapshot(
    company: Company, object_type: str, record: Model, **extra: Any
) -> Callable[[], dict[str, Any]]:
    """The snapshot, built only when an endpoint wants the event (see outbox.webhook_emit).
    `extra` adds context the record itself does not hold (e.g. a job's previous status)."""

    def build() -> dict[str, Any]:
        represent = REPRESENTERS.get(object_type)
        data = represent(company, record) if represent else {"object": object_type, "id": record.pk}
        return {**data, **extra} if extra else data

    return build
