from contextlib import AbstractContextManager, nullcontext
from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import SimpleTemplateResponse
from django.utils import timezone

from doorstep.tenancy import rls
from doorstep.tenancy.models import Company
from doorstep.tenancy.roles import (
    StaffAction,
    staff_may,
    staff_may_somewhere,
    staff_memberships,
)

from .input_checks import IDS_REFUSED, posted_ids_refused


class BackOfficeSite(admin.AdminSite):
    site_header = "Doorstep back office"
    site_title = "Doorstep"
    index_title = "Your company"

    def has_permission(self, request: HttpRequest) -> bool:
        # Staff means: an active staff user with a company membership (or a superuser).
        return staff_may_somewhere(user=request.user, action=StaffAction.VIEW_OFFICE)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Every back-office page runs in the staff member's company time zone: a visit typed
        as 14:00 is 14:00 where the company is (and where its customers read it), not UTC."""
        inner = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)  # the ModelAdmin of a bound view

        @wraps(view)
        def in_company_time(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if posted_ids_refused(model_admin, request):
                return render(
                    request, "errors/domain_error.html", {"message": IDS_REFUSED}, status=400
                )
            zone = staff_time_zone(request)
            # The tenant of this request's transaction (docs/adr/0003, "The back office").
            in_zone = timezone.override(zone) if zone is not None else nullcontext()
            with admin_tenant(request, model_admin, kwargs), in_zone:
                response = inner(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                    response.render()  # admin pages render late: still in the company's zone
                return response

        return in_company_time

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        user = request.user
        if user.is_authenticated and not user.is_superuser:
            memberships = list(staff_memberships(user=user).values())
            if len(memberships) == 1:
                # The staff member sees whose office this is on every page.
                name = memberships[0].company_name
                context["site_header"] = f"{name} · Doorstep back office"
        return context


# The office's company picker keeps its choice here (doorstep/office/gate.py, COMPANY_KEY):
# the back office works in the same company.
OFFICE_COMPANY_KEY = "doorstep_office_company"


def admin_tenant(
    request: HttpRequest, model_admin: Any, kwargs: dict[str, Any]
) -> AbstractContextManager[None]:
    """The tenant scope of one back-office request (row-level security, docs/adr/0003):
    - a record's page (change, delete, history): the record's own company, when the user
      works there (a superuser anywhere); its company is read by the maintenance role first,
      the only thing read before the scope;
    - a list action on records of one company (the ticked rows): that company, when the
      user works there (the role is then judged at it, as for a record's page);
    - an add form posted by staff with a company they work at: that company;
    - a superuser's lists, index and add forms (posted too: the form's same-company check
      then names another company's row in the user's words, not "Select a valid choice"):
      cross-tenant by design (the platform operator sees every company), so the
      maintenance scope;
    - anyone else: the company chosen with the office's picker (else their first by name)
      among those where the page's rows may be seen, one at a time as in the office.
    The ModelAdmins' own company filters stay: RLS is the backstop."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or not user.is_staff or not user.is_active:
        return nullcontext()  # the login page: it reads no tenant rows
    memberships = staff_memberships(user=user)
    record_id = next((kwargs[name] for name in RECORD_KWARGS if name in kwargs), None)
    company_id = _record_company(model_admin, record_id)
    posted = request.method == "POST" and record_id is None
    if company_id is None and posted and "_selected_action" in request.POST:
        company_id = _selected_company(model_admin, request.POST.getlist("_selected_action"))
    elif company_id is None and posted and not user.is_superuser:
        company_id = _int(request.POST.get("company"))
        company_id = company_id if company_id is not None and 0 < company_id < 2**63 else None
    if company_id is not None and (user.is_superuser or company_id in memberships):
        return rls.tenant_scope(company_id)
    if user.is_superuser:
        return rls.maintenance_scope()
    # Among the companies where the page's rows may be seen (a technician at one company and
    # billing staff at another sees the payments of the second), the picker's, else the
    # first by name.
    action = getattr(model_admin, "view_action", None) or StaffAction.VIEW_OFFICE
    seeing = [
        m for m in memberships.values() if staff_may(user=user, company=m.company_id, action=action)
    ]
    wanted = request.session.get(OFFICE_COMPANY_KEY)
    if wanted not in {m.company_id for m in seeing}:
        by_name = sorted(seeing or memberships.values(), key=lambda m: m.company_name.lower())
        wanted = by_name[0].company_id if by_name else None
    return rls.tenant_scope(wanted) if wanted is not None else nullcontext()


# The URL keyword naming the record on a record's page: Django's own pages and ours
# (record-payment, reply: object_id; refund: payment_id; approve, decline, photos: pk).
RECORD_KWARGS = ("object_id", "payment_id", "pk")


def _selected_company(model_admin: Any, selected: list[str]) -> int | None:
    """The one company of the rows a list action ticked (None: several, none, or a model
    without a company), read by the maintenance role like a record's company."""
    model = getattr(model_admin, "model", None)
    ids = [pk for pk in map(_int, selected) if pk is not None and 0 < pk < 2**63]
    if model is None or not ids or len(ids) > 1000:
        return None
    if model is Company:
        return ids[0] if len(set(ids)) == 1 else None
    if not any(f.name == "company" for f in model._meta.concrete_fields):
        return None
    with rls.maintenance_scope():
        companies = set(
            model._default_manager.filter(pk__in=ids)  # scope: learning the company is the point
            .values_list("company_id", flat=True)
            .distinct()[:2]
        )
    return companies.pop() if len(companies) == 1 else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _record_company(model_admin: Any, object_id: Any) -> int | None:
    """The company of the record a change/delete/history page names (None: no record, or
    a model without a company)."""
    pk = _int(object_id)
    model = getattr(model_admin, "model", None)
    if pk is None or not 0 < pk < 2**63 or model is None:  # beyond bigint: no such record
        return None
    if model is Company:
        return pk
    if not any(f.name == "company" for f in model._meta.concrete_fields):
        return None
    return rls.tenant_of(model, pk)


def staff_time_zone(request: HttpRequest) -> str | None:
    """The time zone of the staff member's companies when they all share one (else UTC)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    # From the memberships already read for the permission checks: no query of its own.
    zones = {m.company_timezone for m in staff_memberships(user=user).values()}
    return zones.pop() if len(zones) == 1 else None
