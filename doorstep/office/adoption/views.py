"""/office/adoption/: how the company's customers use the portal, from the adoption ledger's
daily figures (docs/adoption.md has every definition; the page repeats them)."""

from __future__ import annotations

import csv
from io import StringIO

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from doorstep.adoption.export import figure_rows
from doorstep.adoption.figures import adoption_figures
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.time import company_today

from ..gate import Office, office_page
from ..pages import office_render
from .charts import funnel_chart, trend_chart
from .forms import PeriodForm


@require_safe
@office_page(StaffAction.SEE_ADOPTION)
def adoption(request: HttpRequest, office: Office) -> HttpResponse:
    form = PeriodForm(request.GET or {"period": "90d"})
    period = form.period_for(today=company_today(office.company))
    figures = adoption_figures(company=office.company, period=period)
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
        },
        status=400 if form.errors else 200,
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
