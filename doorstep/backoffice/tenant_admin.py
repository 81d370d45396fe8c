"""The base every back-office admin uses: a staff user sees and edits only their companies.

Scope is enforced in four places: the changelist/changeform queryset, the choices offered
in every foreign-key field (including the user pickers), the company stamped on new rows,
and the permission checks (a staff user acts through a company membership, not through
Django's per-model permissions). A superuser sees all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models, router
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from doorstep.core.audit import Actor
from doorstep.tenancy.models import Company
from doorstep.tenancy.selectors import companies_for_staff

from .input_checks import CheckedAutocompleteSelect


def staff_company_ids(request: HttpRequest) -> list[int]:
    """The ids of the companies this staff user may act for, read once per request (every
    permission check, menu entry and filter asks)."""
    cached = getattr(request, "_doorstep_company_ids", None)
    if cached is None:
        cached = list(companies_for_staff(user=request.user).values_list("pk", flat=True))
        request._doorstep_company_ids = cached  # type: ignore[attr-defined]
    return cached


def staff_companies(request: HttpRequest) -> QuerySet[Company]:
    if request.user.is_superuser:
        return Company.objects.all()
    return Company.objects.filter(pk__in=staff_company_ids(request))


def staff_actor(request: HttpRequest) -> Actor:
    return Actor.staff(request.user, request.META.get("REMOTE_ADDR"))


def is_company_staff(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return bool(user.is_superuser or staff_company_ids(request))


class TenantScopedMixin:
    """Shared by ModelAdmin and inlines."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return qs
        return qs.filter(company_id__in=staff_company_ids(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.remote_field.model
        if not request.user.is_superuser:
            if related is Company:
                kwargs["queryset"] = staff_companies(request)
            elif related is get_user_model():
                # Only people who work for one of my companies, never every login on the site.
                kwargs["queryset"] = related._default_manager.filter(
                    memberships__company_id__in=staff_company_ids(request)
                ).distinct()
            elif any(f.name == "company" for f in related._meta.get_fields()):
                kwargs["queryset"] = related._default_manager.filter(
                    company_id__in=staff_company_ids(request)
                )
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using") or router.db_for_read(related),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    # Staff act through their membership; Django's per-model permission rows are not used.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_company_staff(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_company_staff(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_company_staff(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_company_staff(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_company_staff(request)


class TenantAdmin(TenantScopedMixin, admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False  # COUNT(*) over a million rows on every page is not free

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        # A staff user with a single company never picks it; it is stamped on save.
        if not request.user.is_superuser and len(staff_company_ids(request)) == 1:
            exclude.append("company")
        return exclude

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        excluded = set(self.get_exclude(request, obj) or [])
        return [
            (title, {**opts, "fields": [f for f in opts["fields"] if f not in excluded]})
            for title, opts in super().get_fieldsets(request, obj)
        ]

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser or len(staff_company_ids(request)) > 1:
            filters.insert(0, ("company", admin.RelatedOnlyFieldListFilter))
        return filters

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # Forms check that every chosen row belongs to the same company (see TenantForm).
        form.staff_company = staff_companies(request).first() if not obj else obj.company  # type: ignore[attr-defined]
        return form

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


class ReadOnlyInline(TenantInline):
    """History rows shown on a record: never added, changed or deleted by hand."""

    can_delete = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
