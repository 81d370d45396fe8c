"""Back office: the service types a company offers and the queue of requests to review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from doorstep.core.audit import audit_for
from doorstep.core.errors import DomainError
from doorstep.core.uploads import serve_private_file
from doorstep.customers.models import Location
from doorstep.servicerequests.models import (
    RequestStatus,
    ServiceRequest,
    ServiceRequestPhoto,
    ServiceType,
)
from doorstep.servicerequests.services import (
    service_request_approve,
    service_request_decline,
    service_types_seed_defaults,
)
from doorstep.tenancy import rls
from doorstep.tenancy.roles import StaffAction

from .tenant_admin import TenantAdmin, staff_actor, staff_companies


@admin.register(ServiceType)
class ServiceTypeAdmin(TenantAdmin):
    view_action = change_action = StaffAction.REVIEW_REQUESTS

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # Each company's defaults are written in its own tenant scope (the page runs in the
        # picker's company, docs/adr/0003) so the list can show every company's types.
        for company in staff_companies(request, self.view_action):
            with rls.tenant_scope(company):
                service_types_seed_defaults(company=company)
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    list_display = ["name", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name"]


class StatusFilter(admin.SimpleListFilter):
    """Opens on the queue (pending) by default; staff can switch to the others or all."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*RequestStatus.choices, ("all", "All")]

    def choices(self, changelist: Any) -> Any:
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or RequestStatus.PENDING) == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value() or RequestStatus.PENDING
        return queryset if value == "all" else queryset.filter(status=value)


class ApproveForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    location = forms.ModelChoiceField(queryset=Location.objects.none())


class DeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The customer sees this reason in their email and portal.",
        error_messages={"required": "Tell the customer why: a reason is required."},
    )


@admin.register(ServiceRequest)
class ServiceRequestAdmin(TenantAdmin):
    view_action = change_action = StaffAction.REVIEW_REQUESTS
    list_display = ["number_label", "customer", "service_type", "urgency", "status", "created_at"]
    list_filter = [StatusFilter, ("service_type", admin.RelatedOnlyFieldListFilter), "urgency"]
    search_fields = ["customer__name", "description"]
    list_select_related = ["customer", "service_type"]
    fields = (
        "customer",
        "location",
        "service_type",
        "description",
        "preferred_date",
        "preferred_window",
        "urgency",
        "status",
        "decline_reason",
        "job",
        "photo_links",
        "review_actions",
        "history",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers submit requests; staff create jobs directly

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        # Every field is read-only: staff act through Approve / Decline, so no Save buttons.
        context.update(
            show_save=False, show_save_and_continue=False, show_save_and_add_another=False
        )
        return super().render_change_form(request, context, *args, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Request", ordering="number")
    def number_label(self, obj: ServiceRequest) -> str:
        return obj.display_number

    @admin.display(description="Photos")
    def photo_links(self, obj: ServiceRequest) -> str:
        return (
            format_html_join(
                " · ",
                '<a href="{}">Photo {}</a>',
                (
                    (reverse("admin:servicerequests_photo", args=[obj.pk, photo.pk]), n)
                    for n, photo in enumerate(obj.photos.all(), start=1)
                ),
            )
            or "None"
        )

    @admin.display(description="Review")
    def review_actions(self, obj: ServiceRequest) -> str:
        if obj.status != RequestStatus.PENDING:
            return obj.get_status_display()
        return format_html(
            '<a class="button" href="{}">Approve and create job…</a> '
            '<a class="button" href="{}">Decline…</a>',
            reverse("admin:servicerequests_approve", args=[obj.pk]),
            reverse("admin:servicerequests_decline", args=[obj.pk]),
        )

    @admin.display(description="History")
    def history(self, obj: ServiceRequest) -> str:
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
            path("<int:pk>/approve/", view(self.approve_view), name="servicerequests_approve"),
            path("<int:pk>/decline/", view(self.decline_view), name="servicerequests_decline"),
            path(
                "<int:pk>/photos/<int:photo_id>/",
                view(self.photo_view),
                name="servicerequests_photo",
            ),
            *super().get_urls(),
        ]

    def _request_or_404(self, request: HttpRequest, pk: int) -> ServiceRequest:
        found = (
            self.get_queryset(request)
            .select_related("customer", "location", "service_type", "company")
            .filter(pk=pk)
            .first()
        )
        if found is None or not self.has_view_permission(request, found):
            raise Http404("No such request.")
        return found

    def photo_view(self, request: HttpRequest, pk: int, photo_id: int) -> HttpResponseBase:
        sr = self._request_or_404(request, pk)
        photo = ServiceRequestPhoto.objects.filter(request=sr, pk=photo_id).first()
        if photo is None:
            raise Http404("No such photo.")
        return serve_private_file(photo.file, download_name=photo.download_name)

    def _review_page(
        self, request: HttpRequest, sr: ServiceRequest, form: forms.Form, action: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": sr,
            "sr": sr,
            "form": form,
            "action": action,
            "title": f"{action} {sr.display_number}",
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(
            request, "admin/servicerequests/servicerequest/review.html", context, status=status
        )

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        sr = self._request_or_404(request, pk)
        if not self.has_change_permission(request, sr):
            raise Http404("No such request.")
        form = ApproveForm(
            request.POST or None,
            initial={
                # The type alone reads well in "Your technician is on the way for ..." emails;
                # the customer's words go into the description below.
                "title": sr.service_type.name,
                "description": sr.description,
                "location": sr.location_id,
            },
        )
        form.fields["location"].queryset = Location.objects.for_company(sr.company).filter(  # type: ignore[attr-defined]
            customer=sr.customer
        )
        if request.method == "POST" and form.is_valid():
            try:
                done = service_request_approve(
                    company=sr.company,
                    request_id=sr.pk,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    location_id=form.cleaned_data["location"].pk,
                    actor=staff_actor(request),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                assert done.job is not None
                messages.success(request, f"Approved. Job {done.job.display_number} was created.")
                return redirect(
                    reverse("admin:servicerequests_servicerequest_change", args=[sr.pk])
                )
        return self._review_page(request, sr, form, "Approve")

    def decline_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        sr = self._request_or_404(request, pk)
        if not self.has_change_permission(request, sr):
            raise Http404("No such request.")
        form = DeclineForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                service_request_decline(
                    company=sr.company,
                    request_id=sr.pk,
                    reason=form.cleaned_data["reason"],
                    actor=staff_actor(request),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Declined. The customer has been emailed.")
                return redirect(
                    reverse("admin:servicerequests_servicerequest_change", args=[sr.pk])
                )
        return self._review_page(request, sr, form, "Decline")
