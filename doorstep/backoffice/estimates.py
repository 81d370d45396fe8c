"""Back office: estimates with their lines, the decisions staff record (sent, accepted,
declined, expired), turning accepted ones into jobs, and the customer's questions with the
office's replies.

The estimate page shows the thread (a read-only field) with a "Reply to the customer" button;
the reply has its own small page because a decided estimate's page is read-only and a form
cannot sit inside the admin's change form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import SafeString, mark_safe

from doorstep.billing.estimates import (
    estimate_change_state,
    estimate_comment_reply,
    estimate_convert_to_job,
    estimate_recalculate,
)
from doorstep.billing.models import Estimate, EstimateState
from doorstep.core.errors import DomainError
from doorstep.core.numbering import number_next
from doorstep.tenancy.roles import StaffAction, staff_may, takes

from .forms import TenantForm
from .history import AuditedAdmin
from .lines import EstimateLineInline, MoneyColumns
from .search import with_number_match
from .tenant_admin import staff_actor


class EstimateForm(TenantForm):
    class Meta:
        model = Estimate
        fields = ["company", "customer", "location", "title", "issue_date", "expiry_date", "notes"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        issue, expiry = cleaned.get("issue_date"), cleaned.get("expiry_date")
        if issue and expiry and expiry < issue:
            self.add_error("expiry_date", "The expiry date cannot be before the issue date.")
        customer, location = cleaned.get("customer"), cleaned.get("location")
        if customer and location and location.customer_id != customer.pk:
            self.add_error("location", "That location belongs to another customer.")
        return cleaned


def _estimate_action(state: EstimateState) -> Any:
    def action(modeladmin: EstimateAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = 0
        for estimate in queryset.select_related("company"):
            try:
                estimate_change_state(
                    company=estimate.company,
                    estimate=estimate,
                    new_state=state,
                    actor=staff_actor(request),
                )
                count += 1
            except DomainError as error:
                modeladmin.message_user(
                    request, f"{estimate}: {error.message}", level=messages.ERROR
                )
        if count:
            modeladmin.message_user(request, f"{count} estimate(s) now {state.label.lower()}.")

    action.__name__ = f"mark_{state.value}"
    return admin.action(description=f"Mark as {state.label.lower()}")(action)


@takes(StaffAction.EDIT_JOBS)  # it schedules work, not only paperwork
@admin.action(description="Turn accepted estimates into jobs")
def convert_to_job(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Estimate]) -> None:
    actor = staff_actor(request)
    for estimate in queryset.select_related("company"):
        try:
            job = estimate_convert_to_job(company=estimate.company, estimate=estimate, actor=actor)
        except DomainError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                f"{estimate.display_number} is now job {job.display_number}.",
                messages.SUCCESS,
            )


@admin.register(Estimate)
class EstimateAdmin(MoneyColumns, AuditedAdmin):
    view_action = StaffAction.SEE_BILLING
    change_action = StaffAction.EDIT_BILLING
    form = EstimateForm
    inlines = [EstimateLineInline]
    list_display = [
        "display_number",
        "title",
        "customer",
        "issue_date",
        "expiry_date",
        "total_display",
        "state",
    ]
    list_filter = ["state", "issue_date", "expiry_date"]
    list_select_related = ["customer"]
    search_fields = ["title", "customer__name"]
    autocomplete_fields = ["customer", "location"]
    actions = [
        *(
            _estimate_action(s)
            for s in (
                EstimateState.SENT,
                EstimateState.ACCEPTED,
                EstimateState.DECLINED,
                EstimateState.EXPIRED,
            )
        ),
        convert_to_job,
    ]
    readonly_fields = [
        "display_number",
        "state",
        "subtotal_display",
        "tax_display",
        "total_display",
        "sent_at",
        "decided_at",
        "signature_name",
        "decline_reason",
        "job",
        "comments_display",
    ]
    fieldsets = [
        (None, {"fields": ["company", "display_number", "customer", "location", "title"]}),
        ("Dates", {"fields": ["issue_date", "expiry_date", "notes"]}),
        ("Totals", {"fields": ["subtotal_display", "tax_display", "total_display"]}),
        (
            "Decision",
            {
                "fields": [
                    "state",
                    "sent_at",
                    "decided_at",
                    "signature_name",
                    "decline_reason",
                    "job",
                ]
            },
        ),
        ("Questions and comments", {"fields": ["comments_display"]}),
    ]

    @admin.display(description="Thread with the customer")
    def comments_display(self, obj: Estimate) -> str:
        return comments_thread(obj)

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "<path:object_id>/reply/",
                self.admin_site.admin_view(self.reply_page),
                name="billing_estimate_reply",
            )
        ]
        return extra + super().get_urls()

    def reply_page(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return reply_view(self, request, object_id)

    @admin.display(description="Number", ordering="number")
    def display_number(self, obj: Estimate) -> str:
        return obj.display_number if obj.pk else "(given on save)"

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        return with_number_match(queryset, found, search_term), duplicates

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.state in (EstimateState.ACCEPTED, EstimateState.DECLINED):
            return False  # what the customer decided on stays as it was
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.state == EstimateState.DRAFT)

    def save_model(
        self, request: HttpRequest, obj: Estimate, form: ModelForm, change: bool
    ) -> None:
        if not change:
            if not getattr(obj, "company_id", None):
                obj.company = form.form_company()  # type: ignore[attr-defined]
            obj.number = number_next(company=obj.company, kind="estimate")
            obj.currency = obj.company.currency
        super().save_model(request, obj, form, change)

    def after_related_saved(self, request: HttpRequest, obj: Any, change: bool) -> None:
        estimate_recalculate(estimate=obj)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text="The customer is told (email or text, as they chose) with a link to the "
        "estimate in their portal, where the whole thread is shown.",
    )


def comments_thread(estimate: Estimate) -> SafeString:
    """The thread, oldest first, and the reply button (escaped by the template)."""
    if not estimate.pk:
        return mark_safe("-")
    return mark_safe(
        render_to_string(
            "admin/billing/estimate/_comments.html",
            {
                "comments": estimate.comments.order_by("created_at", "id"),
                "estimate": estimate,
                "can_reply": estimate.state != EstimateState.DRAFT,
                "reply_url": reverse("admin:billing_estimate_reply", args=[estimate.pk]),
            },
        )
    )


def may_reply(model_admin: Any, request: HttpRequest, estimate: Estimate) -> bool:
    # Replying is not editing what the customer decided on: the right to change estimates at
    # this estimate's company is enough even when its own page is locked (accepted/declined).
    return bool(
        model_admin.has_view_permission(request, estimate)
        and staff_may(
            user=request.user, company=estimate.company_id, action=StaffAction.EDIT_BILLING
        )
    )


def reply_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    estimate = model_admin.get_object(request, object_id)
    if estimate is None or not may_reply(model_admin, request, estimate):
        raise Http404("No such estimate.")
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            estimate_comment_reply(
                company=estimate.company,
                estimate=estimate,
                body=form.cleaned_data["body"],
                actor=staff_actor(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            model_admin.message_user(
                request,
                f"Reply sent to {estimate.customer}; it shows on {estimate.display_number} "
                "in their portal.",
                messages.SUCCESS,
            )
            url = reverse("admin:billing_estimate_change", args=[estimate.pk])
            return HttpResponseRedirect(f"{url}#comments")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Reply about {estimate.display_number}",
        "estimate": estimate,
        "comments": estimate.comments.order_by("created_at", "id"),
        "form": form,
        "opts": model_admin.model._meta,
    }
    status = 400 if form.errors else 200
    return render(request, "admin/billing/estimate/reply.html", context, status=status)
