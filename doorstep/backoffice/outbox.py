"""Back office: the company's message wording (with a preview), customers' numbers and choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from doorstep.backoffice.tenant_admin import TenantAdmin, staff_actor, staff_companies
from doorstep.core.audit import audit_record
from doorstep.tenancy.roles import StaffAction

from .customer_notices import message_render
from .events import EVENTS, SAMPLE_VALUES
from .models import (
    CustomerPhone,
    MessageTemplate,
    Notification,
    NotificationEvent,
    NotificationPreference,
    NotificationState,
)
from .templating import placeholders_unknown
from .undelivered import notifications_retry_now, notifications_stop_trying, undelivered_q


@transaction.atomic
def message_templates_ensure(*, company: Any) -> None:
    """Give the company an editable copy of every default wording it does not have yet."""
    have = set(MessageTemplate.objects.for_company(company).values_list("event", flat=True))
    MessageTemplate.objects.bulk_create(
        [
            MessageTemplate(
                company=company,
                event=event,
                email_subject=spec.email_subject,
                email_body=spec.email_body,
                sms_body=spec.sms_body,
            )
            for event, spec in EVENTS.items()
            if event not in have
        ],
        ignore_conflicts=True,
    )


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["email_subject", "email_body", "sms_body"]
        labels = {"sms_body": "Text message"}
        help_texts = {"sms_body": "Keep it short: about 160 characters is one text."}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        spec = EVENTS[self.instance.event]
        if self.instance.event == NotificationEvent.PHONE_VERIFICATION and "{code}" not in (
            data.get("sms_body") or "{code}"
        ):
            self.add_error("sms_body", "The text must include {code}: it is the code itself.")
        for field in self.Meta.fields:
            unknown = placeholders_unknown(data.get(field) or "", spec.placeholders)
            if unknown:
                self.add_error(
                    field,
                    "Unknown placeholder: "
                    + ", ".join("{" + name + "}" for name in unknown)
                    + ". You can use: "
                    + ", ".join("{" + name + "}" for name in spec.placeholders),
                )
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(TenantAdmin):
    view_action = change_action = StaffAction.EDIT_WORDING
    form = MessageTemplateForm
    list_display = ["event", "email_subject", "updated_at"]
    readonly_fields = ["event", "placeholders", "preview"]
    fields = ["event", "placeholders", "email_subject", "email_body", "sms_body", "preview"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one row per event, created from the defaults

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            company=obj.company,
            target=obj,
            verb="message_template.changed",
            actor=staff_actor(request),
            message=f"Wording changed: {obj.get_event_display()}",
            data={"fields": list(form.changed_data)},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        for company in staff_companies(request, self.view_action):
            message_templates_ensure(company=company)
        return super().changelist_view(request, extra_context)

    @admin.display(description="Placeholders you can use")
    def placeholders(self, obj: MessageTemplate) -> str:
        return ", ".join("{" + name + "}" for name in EVENTS[obj.event].placeholders)

    @admin.display(description="Preview (saved wording, sample values)")
    def preview(self, obj: MessageTemplate) -> str:
        spec = EVENTS[obj.event]
        values = {**SAMPLE_VALUES, "company_name": obj.company.name}
        subject, body, sms = message_render(
            spec=spec,
            texts=(
                obj.email_subject or spec.email_subject,
                obj.email_body or spec.email_body,
                obj.sms_body or spec.sms_body,
            ),
            values=values,
        )
        rows = [("Email subject", subject), ("Email", body), ("Text message", sms)]
        return format_html(
            '<div class="message-preview">{}</div>',
            format_html_join(
                "",
                '<p><strong>{}</strong></p><pre style="white-space:pre-wrap;'
                'font-family:inherit;background:#f6f8fa;padding:8px;">{}</pre>',
                ((label, text) for label, text in rows if text),
            ),
        )


@admin.register(CustomerPhone)
class CustomerPhoneAdmin(TenantAdmin):
    view_action = change_action = StaffAction.MESSAGE_CUSTOMERS
    list_display = ["customer", "phone", "verified_at", "opted_out_at"]
    search_fields = ["phone", "customer__name"]
    readonly_fields = ["customer", "phone", "verified_at", "opted_out_at", "code_sent_at"]
    exclude = ["code_hash", "code_attempts"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the customer can prove a number is theirs


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(TenantAdmin):
    view_action = change_action = StaffAction.MESSAGE_CUSTOMERS
    list_display = ["customer", "event", "email", "sms", "updated_at"]
    list_filter = ["event"]
    readonly_fields = ["customer", "event", "email", "sms"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers choose for themselves


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
