"""The base every back-office admin uses: a staff user sees and edits only what their role
at the record's own company allows.

Scope is enforced in five places: the changelist/changeform queryset, the choices offered
in every foreign-key field (including the user pickers), the company stamped on new rows,
the permission checks, and the list actions. Each admin names the `StaffAction` that
viewing, adding, changing and deleting its rows takes; `doorstep.tenancy.roles.staff_may`
answers it for the object's company (docs/backoffice.md has the table). A superuser sees all.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import models, router
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from doorstep.access.portal_sessions import client_ip
from doorstep.core.audit import Actor
from doorstep.tenancy.models import Company
from doorstep.tenancy.roles import (
    StaffAction,
    staff_company_ids_where,
    staff_may,
    staff_may_somewhere,
)

from .input_checks import CheckedAutocompleteSelect


def staff_company_ids(
    request: HttpRequest, action: StaffAction = StaffAction.VIEW_OFFICE
) -> list[int]:
    """The ids of the companies where this staff user may do `action` (memberships are read
    once per request: every permission check, menu entry and filter asks)."""
    return staff_company_ids_where(user=request.user, action=action)


def staff_companies(
    request: HttpRequest, action: StaffAction = StaffAction.VIEW_OFFICE
) -> QuerySet[Company]:
    if request.user.is_superuser:
        return Company.objects.all()
    return Company.objects.filter(pk__in=staff_company_ids(request, action))


def staff_actor(request: HttpRequest) -> Actor:
    """The staff member acting in this request, for every audit row the back office writes.
    The address is the browser's, not the load balancer's (TRUSTED_PROXY_COUNT)."""
    return Actor.staff(request.user, client_ip(request))


def company_id_of(obj: Any) -> int | None:
    """The company an object belongs to (a company is its own)."""
    if isinstance(obj, Company):
        return obj.pk
    return getattr(obj, "company_id", None)


def staff_may_on(request: HttpRequest, action: StaffAction, obj: Any = None) -> bool:
    """The rule for one object (judged at its company) or, without one, for "somewhere"
    (a menu entry, a list, an empty add form: the rows shown are then scoped by action)."""
    company_id = company_id_of(obj) if obj is not None else None
    if company_id is None:
        return staff_may_somewhere(user=request.user, action=action)
    return staff_may(user=request.user, company=company_id, action=action)


def only_where_allowed(
    request: HttpRequest, queryset: QuerySet[Any], action: StaffAction
) -> QuerySet[Any] | None:
    """The selected rows when the user may do `action` at every one's company, else None
    (and a message): a list action never reaches a company where the role forbids it."""
    if request.user.is_superuser:
        return queryset
    allowed = staff_company_ids(request, action)
    refused = (
        queryset.exclude(company_id__in=allowed)  # scope: finds the rows the role refuses
        .select_related("company")
        .first()
    )
    if refused is not None:
        messages.error(
            request,
            f"Your role at {refused.company} does not allow this; nothing was changed.",
        )
        return None
    return queryset


class TenantScopedMixin:
    """Shared by ModelAdmin and inlines. Inlines are judged by their parent's company."""

    view_action: StaffAction = StaffAction.VIEW_OFFICE
    change_action: StaffAction = StaffAction.EDIT_CUSTOMERS
    add_action: StaffAction | None = None  # None: as change_action
    delete_action: StaffAction | None = None  # None: as change_action

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return qs
        # scope: the one place a staff list is cut to the companies staff_may allows
        return qs.filter(company_id__in=staff_company_ids(request, self.view_action))  # scope: ^

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.remote_field.model
        if not request.user.is_superuser:
            # Choices come from the companies where this user may write these rows.
            ids = staff_company_ids(request, self.change_action)
            if related is Company:
                kwargs["queryset"] = Company.objects.filter(pk__in=ids)
            elif related is get_user_model():
                # Only people who work for one of my companies, never every login on the site.
                kwargs["queryset"] = related._default_manager.filter(
                    memberships__company_id__in=ids
                ).distinct()
            elif any(f.name == "company" for f in related._meta.get_fields()):
                kwargs["queryset"] = related._default_manager.filter(company_id__in=ids)  # scope: ^
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using") or router.db_for_read(related),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    # Staff act through their membership; Django's per-model permission rows are not used.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return staff_may_on(request, self.view_action, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return staff_may_on(request, self.view_action)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        parent = args[0] if args else None  # inlines are asked with the parent object
        return staff_may_on(request, self.add_action or self.change_action, parent)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return staff_may_on(request, self.change_action, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return staff_may_on(request, self.delete_action or self.change_action, obj)


class TenantAdmin(TenantScopedMixin, admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False  # COUNT(*) over a million rows on every page is not free

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        # A staff user with a single company never picks it; it is stamped on save.
        writable = staff_company_ids(request, self.add_action or self.change_action)
        if not request.user.is_superuser and len(writable) == 1:
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
        form.staff_company = (  # type: ignore[attr-defined]
            obj.company if obj else self._company_for_new_rows(request)
        )
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not getattr(obj, "company_id", None):
            obj.company = self._company_for_new_rows(request)
        super().save_model(request, obj, form, change)

    def _company_for_new_rows(self, request: HttpRequest) -> Company | None:
        return staff_companies(request, self.add_action or self.change_action).first()

    def get_action(self, action: Any) -> Any:
        """Every list action (ours and Django's delete) runs only on rows at companies where
        the user's role allows it: `staff_action` on the action names the right it takes."""
        found = super().get_action(action)
        if found is None:
            return None
        func, name, description = found
        if name == "delete_selected":
            needed = self.delete_action or self.change_action
        else:
            needed = getattr(func, "staff_action", self.change_action)

        @functools.wraps(func)
        def guarded(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
            allowed = only_where_allowed(request, queryset, needed)
            return None if allowed is None else func(modeladmin, request, allowed)

        return guarded, name, description

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


class ReadOnlyInline(TenantInline):
    """History rows shown on a record: never added, changed or deleted by hand."""

    can_delete = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
