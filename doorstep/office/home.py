"""The office home: what needs attention (attention.py), or a technician's jobs for today."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from doorstep.adoption.figures import headline_figures
from doorstep.jobs.today import jobs_for_technician_on
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.time import company_today

from .attention import needs_attention, office_url_or_none
from .gate import Office, office_page
from .pages import office_render


@office_page()
def home(request: HttpRequest, office: Office) -> HttpResponse:
    today = company_today(office.company)
    context: dict[str, object] = {"today": today}
    # A technician's day is their jobs; who owes what is not part of their role.
    if office.role == "technician" and not office.may(StaffAction.SEE_BILLING):
        context["todays_jobs"] = list(
            jobs_for_technician_on(company=office.company, user=office.user, day=today)
        )
        context["jobs_url"] = office_url_or_none("office:jobs:list")
    else:
        context["attention"] = needs_attention(office)
    if office.may(StaffAction.SEE_ADOPTION):
        # The adoption page's three headline numbers (docs/adoption.md).
        reach, payments = headline_figures(company=office.company)
        context["adoption"] = {"reach": reach, "payments": payments}
    return office_render(request, office, "office/home.html", context)
