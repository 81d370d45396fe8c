"""Office pages: the jobs list and board, one job (status, technician, completion photos).

A staff member who may not edit jobs (a technician) sees only the jobs assigned to them and
no money: `_assigned_to` is the one place that decides it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from doorstep.core.errors import DomainError
from doorstep.core.uploads import serve_private_file
from doorstep.jobs import selectors, services
from doorstep.jobs.models import JobStatus
from doorstep.office.gate import Office, office_page
from doorstep.office.pages import office_render, window_of
from doorstep.tenancy.roles import StaffAction

from .forms import BulkMoveForm, PhotosForm, StatusForm, VisitForm

PER_PAGE = 50


def _assigned_to(office: Office) -> Any:
    """None: every job of the company. A user: only their own jobs. Someone who moves jobs
    but does not plan them (a technician) works on the jobs given to them, nothing else;
    someone who neither plans nor moves them (billing) may read them all."""
    if office.may(StaffAction.MOVE_JOBS) and not office.may(StaffAction.EDIT_JOBS):
        return office.user
    return None


def _filters(request: HttpRequest) -> dict[str, Any]:
    status = request.GET.get("status", "")
    technician = request.GET.get("technician", "")
    return {
        "status": status if status in JobStatus.values else "",
        "technician_id": int(technician) if technician.isdigit() and len(technician) < 12 else None,
        "query": request.GET.get("q", "")[:100],
    }


@require_safe
@office_page(StaffAction.VIEW_OFFICE)
def job_list(request: HttpRequest, office: Office) -> HttpResponse:
    assigned_to = _assigned_to(office)
    board = request.GET.get("view") == "board"
    context: dict[str, Any] = {
        "board": board,
        "filters": _filters(request),
        "statuses": JobStatus.choices,
        "may_edit": office.may(StaffAction.EDIT_JOBS),
        "own_only": assigned_to is not None,
        "technicians": list(selectors.technicians_active(company=office.company))
        if assigned_to is None
        else [],
    }
    if board:
        context["columns"] = selectors.jobs_board(company=office.company, assigned_to=assigned_to)
    else:
        jobs = selectors.jobs_for_office(
            company=office.company, assigned_to=assigned_to, **context["filters"]
        )
        context["page"] = window_of(request, jobs, PER_PAGE)
        context["bulk_form"] = BulkMoveForm()
    return office_render(request, office, "office/jobs/list.html", context)


def _job_or_404(office: Office, pk: int) -> Any:
    job = selectors.job_for_office(
        company=office.company, job_id=pk, assigned_to=_assigned_to(office)
    )
    if job is None:
        raise Http404("No such job.")
    return job


def _detail(
    request: HttpRequest, office: Office, job: Any, *, status: int = 200, **forms: Any
) -> HttpResponse:
    may_edit = office.may(StaffAction.EDIT_JOBS)
    context = {
        "job": job,
        "may_move": office.may(StaffAction.MOVE_JOBS),
        "may_edit": may_edit,
        "may_message": office.may(StaffAction.MESSAGE_CUSTOMERS),
        # Money stays with those who may see billing: never on a technician's page.
        "invoices": list(job.invoices.order_by("-number"))
        if office.may(StaffAction.SEE_BILLING)
        else [],
        "status_form": forms.get("status_form") or StatusForm(job=job),
        "visit_form": forms.get("visit_form")
        or VisitForm(
            initial={
                "technician": job.technician_id,
                "scheduled_start": job.scheduled_start,
                "scheduled_end": job.scheduled_end,
            },
            technicians=selectors.technicians_active(company=office.company),
        )
        if may_edit
        else None,
        "photos_form": forms.get("photos_form") or PhotosForm(),
    }
    return office_render(request, office, "office/jobs/detail.html", context, status=status)


@require_safe
@office_page(StaffAction.VIEW_OFFICE)
def job_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    return _detail(request, office, _job_or_404(office, pk))


def _field_error(form: Any, error: DomainError) -> None:
    """The service's message next to the field it names (or at the top of the form)."""
    field = {"status": "new_status"}.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


@require_POST
@office_page(StaffAction.MOVE_JOBS)
def job_change_status(request: HttpRequest, office: Office, pk: int) -> HttpResponseBase:
    job = _job_or_404(office, pk)
    form = StatusForm(request.POST, job=job)
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.job_change_status(
                company=office.company,
                job=job,
                new_status=data["new_status"],
                actor=office.actor,
                note=data["note"],
                tell_customer=data["tell_customer"],
                happened_at=data["happened_at"],
            )
        except DomainError as error:
            _field_error(form, error)
        else:
            told = services.job_change_tells_customer(
                tell_customer=data["tell_customer"],
                happened_at=data["happened_at"],
                now=timezone.now(),
            )
            messages.success(
                request,
                f"{moved.display_number} is now {moved.get_status_display().lower()}. "
                + ("The customer is being told." if told else "The customer was not told."),
            )
            return redirect("office:jobs:detail", pk=job.pk)
    return _detail(request, office, job, status=400, status_form=form)


@require_POST
@office_page(StaffAction.EDIT_JOBS)
def job_plan(request: HttpRequest, office: Office, pk: int) -> HttpResponseBase:
    job = _job_or_404(office, pk)
    form = VisitForm(request.POST, technicians=selectors.technicians_active(company=office.company))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.job_plan_visit(
                company=office.company,
                job=job,
                technician=data["technician"],
                scheduled_start=data["scheduled_start"],
                scheduled_end=data["scheduled_end"],
                actor=office.actor,
            )
        except DomainError as error:
            _field_error(form, error)
        else:
            messages.success(request, f"The visit of {job.display_number} is saved.")
            return redirect("office:jobs:detail", pk=job.pk)
    return _detail(request, office, job, status=400, visit_form=form)


@require_POST
@office_page(StaffAction.MOVE_JOBS)
def job_add_photos(request: HttpRequest, office: Office, pk: int) -> HttpResponseBase:
    job = _job_or_404(office, pk)
    form = PhotosForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = services.job_photos_add(
                company=office.company,
                job=job,
                photos=form.cleaned_data["photos"],
                actor=office.actor,
            )
        except DomainError as error:
            _field_error(form, error)
        else:
            messages.success(
                request, f"{len(stored)} photo(s) added; the customer sees them on the portal."
            )
            return redirect(reverse("office:jobs:detail", args=[job.pk]) + "#photos")
    return _detail(request, office, job, status=400, photos_form=form)


@require_safe
@office_page(StaffAction.VIEW_OFFICE)
def job_photo(request: HttpRequest, office: Office, pk: int, photo_id: int) -> HttpResponseBase:
    photo = selectors.job_photo_for_office(
        company=office.company, job_id=pk, photo_id=photo_id, assigned_to=_assigned_to(office)
    )
    if photo is None:
        raise Http404("No such photo.")
    return serve_private_file(photo.file, download_name=photo.download_name)


@require_POST
@office_page(StaffAction.MOVE_JOBS)
def job_photo_remove(
    request: HttpRequest, office: Office, pk: int, photo_id: int
) -> HttpResponseBase:
    """Remove a photo uploaded by mistake: asks first (showing the photo), then the customer
    no longer sees it. Whoever may add photos to the job may remove them."""
    assigned_to = _assigned_to(office)
    job = _job_or_404(office, pk)
    photo = selectors.job_photo_for_office(
        company=office.company, job_id=job.pk, photo_id=photo_id, assigned_to=assigned_to
    )
    if photo is None:
        raise Http404("No such photo.")
    back = reverse("office:jobs:detail", args=[job.pk]) + "#photos"
    if request.POST.get("confirmed") != "1":
        return office_render(
            request,
            office,
            "office/jobs/photo_remove_confirm.html",
            {
                "question": f"Remove this completion photo from {job.display_number}?",
                "details": [("Job", f"{job.display_number} · {job.title}")],
                "confirm_label": "Remove the photo",
                "cancel_url": back,
                "danger": True,
                "job": job,
                "photo": photo,
            },
        )
    services.job_photo_remove(company=office.company, job=job, photo=photo, actor=office.actor)
    messages.success(request, "The photo is removed; the customer no longer sees it.")
    return redirect(back)


@require_POST
@office_page(StaffAction.EDIT_JOBS)
def jobs_bulk_move(request: HttpRequest, office: Office) -> HttpResponseBase:
    """Several jobs at once (tidying up old records): asks first, and never tells the
    customers (jobs_change_status_bulk)."""
    form = BulkMoveForm(request.POST)
    back = reverse("office:jobs:list")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    job_ids, status = form.cleaned_data["jobs"], JobStatus(form.cleaned_data["new_status"])
    if request.POST.get("confirmed") != "1":
        jobs = list(selectors.jobs_for_office(company=office.company).filter(pk__in=job_ids)[:100])
        return office_render(
            request,
            office,
            "office/jobs/bulk_confirm.html",
            {
                "question": f"Move {len(jobs)} job(s) to “{status.label}”?",
                "confirm_label": f"Move them to {status.label.lower()}",
                "cancel_url": back,
                "danger": False,
                "status": status,
                "jobs": jobs,
            },
        )
    result = services.jobs_change_status_bulk(
        company=office.company, job_ids=job_ids, new_status=status, actor=office.actor
    )
    if result.moved:
        messages.success(
            request,
            f"{len(result.moved)} job(s) now {status.label.lower()}; the customers were not told.",
        )
    for job, why in result.refused:
        messages.error(request, f"{job.display_number}: {why}")
    return redirect(back)
