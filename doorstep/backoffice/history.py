"""The "History" panel on a record's page and the audit row every back-office save writes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from doorstep.core.audit import audit_for, audit_record
from doorstep.core.verbs import Verb

from .tenant_admin import TenantAdmin, staff_actor

HISTORY_LIMIT = 100


def history_table(obj: models.Model) -> SafeString:
    if not obj or not obj.pk:
        return format_html("<p>{}</p>", "Nothing yet.")
    events = list(audit_for(company=obj.company, target=obj)[:HISTORY_LIMIT])  # type: ignore[attr-defined]
    if not events:
        return format_html("<p>{}</p>", "Nothing recorded yet.")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                f"{localtime(e.created_at):%Y-%m-%d %H:%M}",
                e.actor_label or e.get_actor_type_display(),
                e.verb,
                e.message,
            )
            for e in events
        ),
    )
    return format_html(
        '<table class="doorstep-history"><thead><tr><th>When</th><th>Who</th><th>What</th>'
        "<th>Details</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


def describe_changes(form: ModelForm, formsets: list[Any]) -> tuple[str, dict[str, Any]]:
    """A sentence a person can read ("Changed due date, notes; lines: added Labour") and the
    field names for the audit data."""
    model_fields = {f.name for f in form.instance._meta.fields}
    names = [name for name in form.changed_data if name in model_fields]
    labels = [str(form.fields[name].label or name) for name in names]
    parts = [f"Changed {', '.join(labels).lower()}"] if labels else []
    data: dict[str, Any] = {"fields": names}
    for formset in formsets:
        name = str(formset.model._meta.verbose_name_plural)
        added = [str(o) for o in getattr(formset, "new_objects", [])]
        changed = [str(o) for o, _ in getattr(formset, "changed_objects", [])]
        deleted = [str(o) for o in getattr(formset, "deleted_objects", [])]
        bits = [
            f"{verb} {', '.join(items)}"
            for verb, items in (("added", added), ("changed", changed), ("removed", deleted))
            if items
        ]
        if bits:
            parts.append(f"{name}: {'; '.join(bits)}")
            data[formset.model._meta.model_name] = {
                "added": added,
                "changed": changed,
                "removed": deleted,
            }
    return ("; ".join(parts), data)


class AuditedAdmin(TenantAdmin):
    """Shows the record's history and records every save made here (who, what, when).

    Admins whose creation goes through a service (which writes its own "created" row) set
    `audit_creation = False`.
    """

    audit_creation = True

    @staticmethod
    def history(obj: Any) -> SafeString:
        return history_table(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), "history")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        fieldsets = [
            (title, {**opts, "fields": [f for f in opts["fields"] if f != "history"]})
            for title, opts in fieldsets
        ]
        if obj is not None:
            fieldsets.append(("History", {"fields": ["history"], "classes": ["wide"]}))
        return fieldsets

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        self.after_related_saved(request, form.instance, change)
        obj = form.instance
        name = obj._meta.model_name
        if not change:
            if self.audit_creation:
                audit_record(
                    company=obj.company,
                    target=obj,
                    verb=Verb(f"{name}.created"),
                    actor=staff_actor(request),
                    message=f"{obj._meta.verbose_name.capitalize()} {obj} created",
                )
            return
        message, data = describe_changes(form, formsets)
        if message:
            audit_record(
                company=obj.company,
                target=obj,
                verb=Verb(f"{name}.changed"),
                actor=staff_actor(request),
                message=message,
                data=data,
            )

    def after_related_saved(self, request: HttpRequest, obj: Any, change: bool) -> None:
        """Hook: recompute totals once the lines are saved."""
