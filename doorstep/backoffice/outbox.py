"""Back office: the outbox, read-only, with the undelivered mail and what staff do about it
("Retry now", "Stop trying"; both ask first). The banner shown while mail is not getting
through is the `undelivered_mail` template tag (templatetags/undelivered_mail.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from doorstep.notifications.models import Notification, NotificationState
from doorstep.notifications.undelivered import (
    notifications_retry_now,
    notifications_stop_trying,
    undelivered_q,
)
from doorstep.tenancy.roles import StaffAction

from .tenant_admin import TenantAdmin, staff_actor


class DeliveryFilter(admin.SimpleListFilter):
    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("undelivered", "Undelivered (retrying slowly or given up)"),
            ("pending", "Waiting to be sent"),
            ("sent", "Sent"),
            ("skipped", "Not sent"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "undelivered":
            return queryset.filter(undelivered_q())
        if value == "pending":
            return queryset.filter(
                state__in=[NotificationState.QUEUED, NotificationState.SENDING]
            ).exclude(undelivered_q())
        if value in {"sent", "skipped"}:
            return queryset.filter(state=value)
        return queryset


def _confirmed(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any], *, action: str, verb: str
) -> TemplateResponse | None:
    """Actions that send or drop mail ask first: the confirmation page posts back `post`."""
    if request.POST.get("post") == "yes":
        return None
    return TemplateResponse(
        request,
        "admin/notifications/notification/confirm_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": f"{verb}?",
            "opts": modeladmin.model._meta,
            "action": action,
            "verb": verb,
            "notifications": queryset.filter(undelivered_q()),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        },
    )


@admin.register(Notification)
class NotificationAdmin(TenantAdmin):
    """The outbox, read-only: what was sent to whom, and what is not getting through."""

    view_action = change_action = StaffAction.MESSAGE_CUSTOMERS

    list_display = [
        "created_at",
        "template",
        "recipient",
        "channel",
        "state",
        "attempts",
        "next_attempt_at",
        "error",
    ]
    list_filter = [DeliveryFilter, "channel", "template"]
    search_fields = ["recipient"]
    actions = ["retry_now", "stop_trying"]
    # Never the context: until sent it may hold a sign-in link.
    fields = (
        "template",
        "recipient",
        "channel",
        "state",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "subject",
        "sent_at",
        "last_error",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Last error")
    def error(self, obj: Notification) -> str:
        return obj.last_error[:80]

    @admin.action(description="Retry now (undelivered mail)")  # staff_action: change_action
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        page = _confirmed(self, request, queryset, action="retry_now", verb="Retry now")
        if page is not None:
            return page
        count = notifications_retry_now(notifications=queryset, actor=staff_actor(request))
        self.message_user(request, f"{count} message(s) queued to be sent again now.")
        return None

    @admin.action(description="Stop trying (mark undelivered mail as not sent)")
    def stop_trying(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        page = _confirmed(self, request, queryset, action="stop_trying", verb="Stop trying")
        if page is not None:
            return page
        count = notifications_stop_trying(notifications=queryset, actor=staff_actor(request))
        self.message_user(request, f"{count} message(s) will not be sent.")
        return None
