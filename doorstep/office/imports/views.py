"""Importing from a spreadsheet: upload → a preview of every row (will create, will update,
or what is wrong) → "Import N rows" → progress. Nothing is saved before the confirmation
(doorstep/imports/services.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from doorstep.core.errors import DomainError
from doorstep.imports.models import ImportKind, ImportRun, ImportState
from doorstep.imports.selectors import import_run_for_office, import_runs_recent
from doorstep.imports.services import import_preview, import_start
from doorstep.imports.sheets import SHEETS, template_csv
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render
from .forms import UploadForm


def _run_or_404(office: Office, pk: int) -> ImportRun:
    run = import_run_for_office(company=office.company, run_id=pk)
    if run is None:
        raise Http404("No such import.")
    return run


@office_page(StaffAction.IMPORT_DATA)
def import_index(request: HttpRequest, office: Office) -> HttpResponseBase:
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = import_preview(
                    company=office.company,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    user=office.user,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("office:imports:detail", pk=run.pk)
        status = 400
    context = {
        "form": form,
        "sheets": [(kind, label, SHEETS[ImportKind(kind)]) for kind, label in ImportKind.choices],
        "runs": import_runs_recent(company=office.company),
    }
    return office_render(request, office, "office/imports/index.html", context, status=status)


@require_safe
@office_page(StaffAction.IMPORT_DATA)
def import_template(request: HttpRequest, office: Office, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404("No such template.")
    response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="doorstep-{kind}.csv"'
    return response


@require_safe
@office_page(StaffAction.IMPORT_DATA)
def import_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    run = _run_or_404(office, pk)
    return office_render(request, office, "office/imports/detail.html", {"run": run})


@require_POST
@office_page(StaffAction.IMPORT_DATA)
def import_confirm(request: HttpRequest, office: Office, pk: int) -> HttpResponseBase:
    run = _run_or_404(office, pk)
    if run.state != ImportState.PREVIEWED or not run.total:
        return redirect("office:imports:detail", pk=run.pk)
    ran = import_start(company=office.company, run=run, actor=office.actor)
    if ran:
        messages.success(request, f"{run.total} row(s) imported from {run.file_name}.")
    return redirect("office:imports:detail", pk=run.pk)


@require_safe
@office_page(StaffAction.IMPORT_DATA)
def import_progress(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """The progress bar alone, polled by htmx while the workers import."""
    run = _run_or_404(office, pk)
    response = office_render(request, office, "office/imports/_progress.html", {"run": run})
    if run.state != ImportState.RUNNING:
        response["HX-Refresh"] = "true"  # finished: show the whole page with the results
    return response
