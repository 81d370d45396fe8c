"""Back office: technicians and jobs. A job's status only moves through job_change_status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from doorstep.jobs import services
from doorstep.jobs.models import (
    JOB_TRANSITIONS,
    NEEDS_TECHNICIAN,
    Job,
    JobEvent,
    JobStatus,
    Technician,
)
from doorstep.tenancy.roles import StaffAction, takes

from .forms import TenantForm
from .history import AuditedAdmin
from .search import with_number_match
from .tenant_admin import ReadOnlyInline, TenantAdmin, staff_actor, staff_may_on


@admin.register(Technician)
class TechnicianAdmin(TenantAdmin):
    change_action = StaffAction.EDIT_JOBS
    form = TenantForm
    list_display = ["name", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "phone"]
    fields = ["company", "name", "phone", "user", "is_active"]


class JobForm(TenantForm):
    new_status = forms.ChoiceField(
        label="Status",
        choices=JobStatus.choices,
        required=False,
        help_text="Moves the job along (e.g. scheduled → technician assigned); recorded in the "
        "history.",
    )
    status_note = forms.CharField(
        label="Note for the status change", required=False, max_length=500
    )

    class Meta:
        model = Job
        fields = [
            "company",
            "customer",
            "location",
            "title",
            "description",
            "technician",
            "scheduled_start",
            "scheduled_end",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_status"].initial = self.instance.status or JobStatus.UNSCHEDULED

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        customer, location = cleaned.get("customer"), cleaned.get("location")
        if (
            self.instance.pk
            and customer
            and customer.pk != self.instance.customer_id
            and self.instance.invoices.exists()
        ):
            self.add_error("customer", "This job is invoiced; it stays with its customer.")
        if customer and location and location.customer_id != customer.pk:
            self.add_error("location", "That location belongs to another customer.")
        start, end = cleaned.get("scheduled_start"), cleaned.get("scheduled_end")
        if start and end and end < start:
            self.add_error("scheduled_end", "The visit cannot end before it starts.")
        current = self.instance.status if self.instance.pk else JobStatus.UNSCHEDULED
        new = cleaned.get("new_status") or current
        if new != current:
            if new not in JOB_TRANSITIONS[JobStatus(current)]:
                self.add_error(
                    "new_status",
                    f"A job that is {JobStatus(current).label.lower()} cannot become "
                    f"{JobStatus(new).label.lower()}.",
                )
            elif new in NEEDS_TECHNICIAN and not self._kept("technician", cleaned):
                self.add_error("technician", "Assign a technician first.")
            elif new == JobStatus.SCHEDULED and not self._kept("scheduled_start", cleaned):
                self.add_error("scheduled_start", "Set the scheduled start first.")
        return cleaned

    def _kept(self, name: str, cleaned: dict[str, Any]) -> Any:
        # A technician moves the status without the visit's fields in the form: the job's
        # own values count then.
        return cleaned.get(name) if name in self.fields else getattr(self.instance, name)


class JobEventInline(ReadOnlyInline):
    model = JobEvent
    fields = ("created_at", "from_status", "to_status", "actor_label", "note")
    readonly_fields = ("created_at", "from_status", "to_status", "actor_label", "note")
    verbose_name = "status change"
    verbose_name_plural = "status timeline"


def _status_action(status: JobStatus) -> Any:
    def action(modeladmin: JobAdmin, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        # A bulk move tidies up; it never tells the customers (jobs_change_status_bulk).
        moved, refused = 0, []
        by_company: dict[Any, list[int]] = {}
        for job in queryset.select_related("company"):
            by_company.setdefault(job.company, []).append(job.pk)
        for company, job_ids in by_company.items():
            result = services.jobs_change_status_bulk(
                company=company, job_ids=job_ids, new_status=status, actor=staff_actor(request)
            )
            moved += len(result.moved)
            refused += [f"{job.display_number}: {why}" for job, why in result.refused]
        if moved:
            modeladmin.message_user(request, f"{moved} job(s) now {status.label.lower()}.")
        for message in refused:
            modeladmin.message_user(request, message, level=messages.ERROR)

    action.__name__ = f"mark_{status.value}"
    return takes(StaffAction.MOVE_JOBS)(
        admin.action(description=f"Mark as {status.label.lower()}")(action)
    )


@admin.register(Job)
class JobAdmin(AuditedAdmin):
    change_action = StaffAction.EDIT_JOBS
    form = JobForm
    audit_creation = False  # job_create records it
    inlines = [JobEventInline]
    list_display = [
        "display_number",
        "title",
        "customer",
        "status",
        "technician",
        "scheduled_start",
    ]
    # RelatedOnly: the filter lists only technicians on the jobs I can see, never another
    # company's people.
    list_filter = ["status", ("technician", admin.RelatedOnlyFieldListFilter), "scheduled_start"]
    list_select_related = ["customer", "technician"]
    search_fields = ["title", "customer__name", "location__street"]
    autocomplete_fields = ["customer", "location"]
    date_hierarchy = "scheduled_start"
    ordering = ["-created_at"]
    actions = [
        _status_action(s)
        for s in (
            JobStatus.ON_THE_WAY,
            JobStatus.TECHNICIAN_ARRIVED,
            JobStatus.IN_PROGRESS,
            JobStatus.COMPLETED,
            JobStatus.CANCELLED,
        )
    ]
    fieldsets = [
        (None, {"fields": ["company", "display_number", "customer", "location", "title"]}),
        ("Visit", {"fields": ["technician", "scheduled_start", "scheduled_end", "description"]}),
        ("Status", {"fields": ["new_status", "status_note", "status_changed_at"]}),
    ]
    readonly_fields = ["display_number", "status_changed_at"]

    @admin.display(description="Number", ordering="number")
    def display_number(self, obj: Job) -> str:
        return obj.display_number if obj.pk else "(given on save)"

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        return with_number_match(queryset, found, search_term), duplicates

    def save_model(self, request: HttpRequest, obj: Job, form: ModelForm, change: bool) -> None:
        actor = staff_actor(request)
        data = form.cleaned_data
        if not change:
            if not getattr(obj, "company_id", None):
                obj.company = form.form_company()  # type: ignore[attr-defined]
            job = services.job_create(
                company=obj.company,
                customer=obj.customer,
                location=obj.location,
                title=obj.title,
                description=obj.description,
                technician=obj.technician,
                scheduled_start=obj.scheduled_start,
                scheduled_end=obj.scheduled_end,
                actor=actor,
            )
            obj.pk = job.pk
        else:
            obj.save()
        new_status = data.get("new_status")
        if new_status:
            services.job_change_status(
                company=obj.company,
                job=obj,
                new_status=new_status,
                actor=actor,
                note=data.get("status_note", ""),
            )
        obj.refresh_from_db()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A technician moves a job along (the status field, the list actions) without
        # rescheduling, reassigning or re-wording it.
        return super().has_change_permission(request, obj) or staff_may_on(
            request, StaffAction.MOVE_JOBS, obj
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not staff_may_on(request, StaffAction.EDIT_JOBS, obj):
            fields += [f for f in JobForm.Meta.fields if f != "company"]
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # jobs are cancelled, not deleted: the history stays
