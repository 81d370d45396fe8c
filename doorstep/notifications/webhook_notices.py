"""The owners hear when Doorstep switches off one of their webhook endpoints (a 410 Gone answer,
or days without a successful delivery): their own software has stopped hearing about payments
and jobs, and only they can fix the receiver."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from doorstep.tenancy.models import Membership, StaffRole

from .services import notification_enqueue


def on_endpoint_disabled(*, company: Any, endpoint: Any, reason: str, **_: Any) -> None:
    owners = (
        Membership.objects.filter(company=company, role=StaffRole.OWNER, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    recipients = sorted(set(owners)) or ([company.support_email] if company.support_email else [])
    for address in recipients:
        notification_enqueue(
            company=company,
            recipient=address,
            template="notice",
            context={
                "subject": "A webhook endpoint was switched off",
                "heading": "Your software has stopped hearing from Doorstep",
                "body": f"Doorstep switched off the webhook endpoint {endpoint.url}. {reason} "
                "Events are no longer sent to it. Fix the receiver, switch the endpoint on "
                "again and replay the events you missed.",
                "button_url": f"{settings.BASE_URL}"
                + reverse("office:integrations:webhook", args=[endpoint.pk]),
                "button_label": "See the endpoint",
            },
        )
