"""Back office: the company's message wording, with the placeholders it may use and a
preview with sample values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join

from doorstep.core.audit import audit_record
from doorstep.core.verbs import Verb
from doorstep.notifications.customer_notices import message_render, message_templates_ensure
from doorstep.notifications.events import EVENTS, SAMPLE_VALUES
from doorstep.notifications.models import MessageTemplate
from doorstep.notifications.wording_changes import wording_problems
from doorstep.tenancy import rls
from doorstep.tenancy.roles import StaffAction

from .tenant_admin import TenantAdmin, staff_actor, staff_companies


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["email_subject", "email_body", "sms_body"]
        labels = {"sms_body": "Text message"}
        help_texts = {"sms_body": "Keep it short: about 160 characters is one text."}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The same rule as the office's message pages (notifications/wording_changes.py).
        texts = {field: data.get(field) or "" for field in self.Meta.fields}
        for field, message in wording_problems(self.instance.event, texts).items():
            self.add_error(field, message)
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
            verb=Verb.MESSAGE_TEMPLATE_CHANGED,
            actor=staff_actor(request),
            message=f"Wording changed: {obj.get_event_display()}",
            data={"fields": list(form.changed_data)},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # Each company's rows are written in that company's tenant scope: the page itself runs
        # in the picker's company (docs/adr/0003), and the list shows every company's wording.
        for company in staff_companies(request, self.view_action):
            with rls.tenant_scope(company):
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
