"""/office/adoption/: how the company's customers use the portal, from the adoption ledger's
daily figures (docs/adoption.md has every definition; the page repeats them)."""

from __future__ import annotations

import csv
from io import StringIO

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from doorstep.adoption.digest import digest_setting, digest_setting_change
from doorstep.adoption.export import figure_rows
from doorstep.adoption.figures import adoption_figures
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.time import company_today

from ..gate import Office, office_page
from ..pages import office_render
from .charts import funnel_chart, trend_chart
from .forms import DigestForm, PeriodForm


@require_safe
@office_page(StaffAction.SEE_ADOPTION)
def adoption(request: HttpRequest, office: Office) -> HttpResponse:
    return _page(request, office, digest_form=None)


@require_POST
@office_page(StaffAction.EDIT_SETTINGS)
def adoption_digest(request: HttpRequest, office: Office) -> HttpResponse:
    """Owners switch the weekly digest on or off and choose its day."""
    form = DigestForm(request.POST)
    if not form.is_valid():
        return _page(request, office, digest_form=form)
    setting = digest_setting_change(
        company=office.company,
        enabled=form.cleaned_data["enabled"],
        weekday=form.cleaned_data["weekday"],
        actor=office.actor,
    )
    if setting.enabled:
        day = setting.get_weekday_display()
        messages.success(request, f"The owners will get the digest every {day} from 8 am.")
    else:
        messages.success(request, "The weekly digest is off.")
    return redirect("office:adoption:page")


def _page(request: HttpRequest, office: Office, *, digest_form: DigestForm | None) -> HttpResponse:
    form = PeriodForm(request.GET or {"period": "90d"})
    period = form.period_for(today=company_today(office.company))
    figures = adoption_figures(company=office.company, period=period)
    if digest_form is None and office.may(StaffAction.EDIT_SETTINGS):
        setting = digest_setting(company=office.company)
        digest_form = DigestForm(initial={"enabled": setting.enabled, "weekday": setting.weekday})
    return office_render(
        request,
        office,
        "office/adoption/page.html",
        {
            "form": form,
            "figures": figures,
            "period": period,
            "trend_chart": trend_chart(figures.trend),
            "funnel_chart": funnel_chart(figures.invoices),
            "digest_form": digest_form,
        },
        status=400 if form.errors or (digest_form is not None and digest_form.errors) else 200,
    )


@require_safe
@office_page(StaffAction.SEE_ADOPTION)
def adoption_csv(request: HttpRequest, office: Office) -> HttpResponse:
    form = PeriodForm(request.GET or {"period": "90d"})
    period = form.period_for(today=company_today(office.company))
    figures = adoption_figures(company=office.company, period=period)
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "figure", "month", "value"])
    writer.writerows(figure_rows(figures))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"portal-adoption-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
