"""Back office: the one queue of registrations waiting for approval (policy "queue unknown
emails for staff approval").

Approving gives a stranger everything of a customer, so it is never one click: staff open the
registration, choose the customer (suggested by email domain or name, or found by search;
never the page they came from), read a confirmation that says what the person will see, and
confirm. Declining is a confirmed step too. Both are audited on the registration.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from doorstep.access.models import RegistrationRequest, RegistrationState
from doorstep.access.registrations import (
    registration_approve,
    registration_reject,
    registration_suggestions,
)
from doorstep.core.audit import audit_for
from doorstep.core.errors import DomainError
from doorstep.customers.models import Customer
from doorstep.tenancy.roles import StaffAction

from .tenant_admin import TenantAdmin, staff_actor

SEARCH_RESULTS = 20


class StateFilter(admin.SimpleListFilter):
    """Opens on what waits (pending); approved and declined ones stay findable."""

    title = "state"
    parameter_name = "state"
    CHOICES = [
        (RegistrationState.PENDING.value, "Waiting for approval"),
        (RegistrationState.APPROVED.value, "Approved"),
        (RegistrationState.REJECTED.value, "Declined"),
        ("all", "All"),
    ]

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return self.CHOICES

    def choices(self, changelist: Any) -> Any:
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or RegistrationState.PENDING) == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value() or RegistrationState.PENDING
        return queryset if value == "all" else queryset.filter(state=value)


class ApproveForm(forms.Form):
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the customer this person belongs to.",
            "invalid_choice": "Choose one of your customers from the list.",
        },
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, registration: RegistrationRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.for_company(  # type: ignore[attr-defined]
            registration.company
        )


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(TenantAdmin):
    # Owners and office staff of the registration's own company (tenancy/roles.py).
    view_action = change_action = StaffAction.MANAGE_PORTAL_ACCESS
    list_display = ["email", "name", "phone", "verified_at", "state", "customer"]
    list_filter = [StateFilter]
    search_fields = ["email", "name"]
    list_select_related = ["customer"]
    fields = (
        "email",
        "name",
        "phone",
        "state",
        "verified_at",
        "customer",
        "decided_at",
        "ip_address",
        "review_actions",
        "history",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegistrationRequest]:
        # Unverified addresses are not anyone's yet: they stay out of the queue.
        return super().get_queryset(request).exclude(state=RegistrationState.UNVERIFIED)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people register themselves on the portal

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decline instead: the decision stays in the audit trail

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        context.update(
            show_save=False, show_save_and_continue=False, show_save_and_add_another=False
        )
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description="Decision")
    def review_actions(self, obj: RegistrationRequest) -> str:
        if obj.state != RegistrationState.PENDING:
            return obj.get_state_display()
        return format_html(
            '<a class="button" href="{}">Choose the customer and approve…</a> '
            '<a class="button" href="{}">Decline…</a>',
            reverse("admin:access_registration_approve", args=[obj.pk]),
            reverse("admin:access_registration_decline", args=[obj.pk]),
        )

    @admin.display(description="History")
    def history(self, obj: RegistrationRequest) -> str:
        events = audit_for(company=obj.company, target=obj).order_by("created_at", "id")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} · {} · {}</li>",
                (
                    (
                        # The back office runs in the company's zone (BackOfficeSite.admin_view).
                        f"{localtime(e.created_at):%Y-%m-%d %H:%M %Z}",
                        e.actor_label or e.actor_type,
                        e.message,
                    )
                    for e in events
                ),
            ),
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", view(self.approve_view), name="access_registration_approve"),
            path("<int:pk>/decline/", view(self.decline_view), name="access_registration_decline"),
            *super().get_urls(),
        ]

    def _pending_or_404(self, request: HttpRequest, pk: int) -> RegistrationRequest:
        found = self.get_queryset(request).select_related("company").filter(pk=pk).first()
        if found is None or not self.has_change_permission(request, found):
            raise Http404("No such registration.")
        return found

    def _page(
        self, request: HttpRequest, template: str, registration: RegistrationRequest, **extra: Any
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": registration,
            "registration": registration,
            **extra,
        }
        status = 400 if extra.get("form") is not None and extra["form"].errors else 200
        return TemplateResponse(
            request, f"admin/access/registrationrequest/{template}", context, status=status
        )

    def _search(self, registration: RegistrationRequest, query: str) -> list[Customer]:
        query = query.strip().replace("\x00", "")[:100]
        if not query:
            return []
        return list(
            Customer.objects.for_company(registration.company)
            .filter(Q(name__icontains=query) | Q(contacts__email__icontains=query))
            .distinct()
            .order_by("name", "pk")[:SEARCH_RESULTS]
        )

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        registration = self._pending_or_404(request, pk)
        back = reverse("admin:access_registrationrequest_change", args=[registration.pk])
        if registration.state != RegistrationState.PENDING:
            messages.error(request, "This registration was already handled.")
            return redirect(back)
        form = ApproveForm(request.POST or None, registration=registration)
        if request.method == "POST" and form.is_valid():
            customer = form.cleaned_data["customer"]
            if not form.cleaned_data["confirmed"]:
                return self._page(
                    request,
                    "confirm_approve.html",
                    registration,
                    customer=customer,
                    title=f"Approve {registration.email} for {customer.name}?",
                )
            try:
                registration_approve(
                    company=registration.company,
                    request=registration,
                    customer=customer,
                    actor=staff_actor(request),
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    # Never start with the address: the admin capitalises a message's
                    # first letter ("Newbie@example.com ...").
                    f"Invited {registration.email} to choose a password; they are now a "
                    f"contact of {customer.name}.",
                )
                return redirect(back)
        query = request.GET.get("q", "")
        return self._page(
            request,
            "choose_customer.html",
            registration,
            form=form,
            query=query,
            suggestions=registration_suggestions(
                company=registration.company, registration=registration
            ),
            results=self._search(registration, query),
            title=f"Which customer is {registration.email}?",
        )

    def decline_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        registration = self._pending_or_404(request, pk)
        back = reverse("admin:access_registrationrequest_change", args=[registration.pk])
        if request.method == "POST":
            try:
                registration_reject(
                    company=registration.company, request=registration, actor=staff_actor(request)
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Registration of {registration.email} declined.")
            return redirect(back)
        return self._page(
            request, "confirm_decline.html", registration, title=f"Decline {registration.email}?"
        )
