"""A customer's `updated_at` moves when one of its contacts or locations is added, changed or
removed, whoever does it (services, the admin's inlines): an incremental sync (API
`updated_since`) then sees the customer, which carries both. One home for that rule."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone


def _touch_customer(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .models import Customer

    Customer.objects.filter(pk=instance.customer_id).update(updated_at=timezone.now())


def connect() -> None:
    from .models import Contact, Location

    for model in (Contact, Location):
        for signal in (post_save, post_delete):
            signal.connect(_touch_customer, sender=model, dispatch_uid=f"touch:{model.__name__}")
