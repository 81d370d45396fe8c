"""Integrations → Background work: how far behind the background work of this Doorstep is
(emails, texts, payment events, autopay). The owner sees at a glance whether a delay is "the
system" before calling support. The figures are the installation's (every company shares one
queue), counts only: never a task's arguments."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from doorstep.core.queue_health import queue_health
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render


@office_page(StaffAction.MANAGE_API_KEYS)
def background_work(request: HttpRequest, office: Office) -> HttpResponse:
    health = queue_health()
    return office_render(
        request,
        office,
        "office/integrations/background_work.html",
        {
            "health": health,
            "late": health.lag.over(settings.READYZ_MAX_QUEUE_LAG_SECONDS),
            "threshold": settings.READYZ_MAX_QUEUE_LAG_SECONDS,
        },
    )
