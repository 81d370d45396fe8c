"""Portal pages: the customer's jobs (Active tab with its live refresh, Service history) and
one job."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from doorstep.access.portal_sessions import PortalIdentity
from doorstep.core.uploads import serve_private_file, serve_thumbnail
from doorstep.jobs.selectors import job_photo_for_customer
from doorstep.messaging.selectors import conversations_about_job

from . import cursors, selectors
from .gate import portal_page
from .pages import is_htmx, portal_render
from .visit_calendar import visit_ics, visit_in_calendar

HISTORY_PER_PAGE = 10
ACTIVE_PER_PAGE = 20


@require_safe
@portal_page
def jobs(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    tab = "history" if request.GET.get("tab") == "history" else "active"
    context: dict[str, Any] = {"tab": tab}
    if tab == "history":
        after = cursors.parse_history_cursor(request.GET.get("after"))
        context["history"] = selectors.jobs_history_for_customer(
            company=identity.company,
            customer=identity.customer,
            after=after,
            limit=HISTORY_PER_PAGE,
        )
        context["continued"] = after is not None
        if is_htmx(request) and after is not None:
            return portal_render(
                request, identity, "portal/_history_rows.html", nav="jobs", **context
            )
    else:
        context["active"] = _active_jobs(request, identity)
    return portal_render(request, identity, "portal/jobs.html", nav="jobs", **context)


def _active_jobs(request: HttpRequest, identity: PortalIdentity) -> selectors.ActiveJobs:
    """The first ACTIVE_PER_PAGE open jobs; `?through=<cursor>` every job up to there (what
    the customer has on screen: the live refresh keeps exactly that list current), plus
    ACTIVE_PER_PAGE more with `&more=1` (the "Show more" link, with or without htmx)."""
    through = cursors.parse_active_cursor(request.GET.get("through"))
    more = ACTIVE_PER_PAGE if through is not None and request.GET.get("more") == "1" else 0
    return selectors.active_jobs_for_customer(
        company=identity.company,
        customer=identity.customer,
        through=through,
        more=more,
        page=ACTIVE_PER_PAGE,
    )


@require_safe
@portal_page
def jobs_live(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    """The Active tab's list alone: htmx polls this and swaps it in place ("Show more" too)."""
    return portal_render(
        request,
        identity,
        "portal/_active_jobs.html",
        nav="jobs",
        active=_active_jobs(request, identity),
        heading_level=2,  # the cards sit right under the Jobs page's h1
    )


@require_safe
@portal_page
def job_detail(request: HttpRequest, identity: PortalIdentity, job_id: int) -> HttpResponse:
    job = selectors.job_for_customer(
        company=identity.company, customer=identity.customer, job_id=job_id
    )
    if job is None:
        raise Http404("No such job.")
    return portal_render(
        request,
        identity,
        "portal/job_detail.html",
        nav="jobs",
        job=job,
        in_calendar=visit_in_calendar(job),
        conversations=conversations_about_job(
            company=identity.company, customer=identity.customer, job=job
        ),
    )


@require_safe
@portal_page
def job_calendar(request: HttpRequest, identity: PortalIdentity, job_id: int) -> HttpResponse:
    """The scheduled visit of one of the customer's own open jobs as an .ics download."""
    job = selectors.visit_for_customer(
        company=identity.company, customer=identity.customer, job_id=job_id
    )
    if job is None or not visit_in_calendar(job):
        raise Http404("No such visit.")
    body = visit_ics(job, company_name=identity.company.name, company_slug=identity.company.slug)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.display_number}.ics"'
    return response


@require_safe
@portal_page
def job_photo(
    request: HttpRequest, identity: PortalIdentity, job_id: int, photo_id: int
) -> HttpResponseBase:
    """A completion photo of one of the customer's own jobs (private storage, SECURITY.md 24)."""
    photo = job_photo_for_customer(
        company=identity.company, customer=identity.customer, job_id=job_id, photo_id=photo_id
    )
    if photo is None:
        raise Http404("No such photo.")
    return serve_private_file(photo.file, download_name=photo.download_name)


@require_safe
@portal_page
def job_photo_thumb(
    request: HttpRequest, identity: PortalIdentity, job_id: int, photo_id: int
) -> HttpResponseBase:
    """The thumbnail of a completion photo, with the photo's own checks."""
    photo = job_photo_for_customer(
        company=identity.company, customer=identity.customer, job_id=job_id, photo_id=photo_id
    )
    if photo is None:
        raise Http404("No such photo.")
    response = serve_thumbnail(photo)
    if response is None:
        raise Http404("This photo has no thumbnail.")
    return response
