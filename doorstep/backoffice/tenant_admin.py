"""The base every back-office admin uses: a staff user sees and edits only their companies.

Scope is enforced in three places: the changelist/changeform queryset, the choices offered
in every foreign-key field, and the company stamped on new rows. A superuser sees all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from doorstep.core.audit import Actor
from doorstep.tenancy.models import Company
from doorstep.tenancy.selectors import companies_for_staff


def staff_companies(request: HttpRequest) -> QuerySet[Company]:
    return companies_for_staff(user=request.user)


def staff_actor(request: HttpRequest) -> Actor:
    return Actor.staff(request.user, request.META.get("REMOTE_ADDR"))


class TenantScopedMixin:
    """Shared by ModelAdmin and inlines."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return qs
        return qs.filter(company__in=staff_companies(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.remote_field.model
        if not request.user.is_superuser:
            if related is Company:
                kwargs["queryset"] = staff_companies(request)
            elif any(f.name == "company" for f in related._meta.get_fields()):
                kwargs["queryset"] = related._default_manager.filter(
                    company__in=staff_companies(request)
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class TenantAdmin(TenantScopedMixin, admin.ModelAdmin):
    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        # A staff user with a single company never picks it; it is stamped on save.
        if not request.user.is_superuser and staff_companies(request).count() == 1:
            exclude.append("company")
        return exclude

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not getattr(obj, "company_id", None):
            obj.company = staff_companies(request).first()
        super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: Any, change: bool
    ) -> None:
        for inline_form in formset.forms:
            child = inline_form.instance
            if isinstance(child, models.Model) and hasattr(child, "company_id"):
                child.company_id = form.instance.company_id
        super().save_formset(request, form, formset, change)


class TenantInline(TenantScopedMixin, admin.TabularInline):
    extra = 0
    exclude = ("company",)


class TenantStackedInline(TenantScopedMixin, admin.StackedInline):
    extra = 0
    exclude = ("company",)
