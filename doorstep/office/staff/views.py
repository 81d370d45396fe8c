"""The company's staff (owners): who works here in which role, invite, change a role, remove
(after a confirmation). The rules (last owner, already on the team) live in access/staff.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache

from doorstep.access.staff import staff_invite, staff_password_set, staff_remove, staff_role_change
from doorstep.core.errors import DomainError
from doorstep.tenancy.models import Membership, StaffRole
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.selectors import company_staff, company_staff_member

from ..gate import Office, office_page
from ..pages import office_render
from .forms import ROLE_HELP, InviteForm, RoleForm

MANAGE = StaffAction.MANAGE_STAFF


def _membership(office: Office, pk: int) -> Membership:
    found = company_staff_member(company=office.company, pk=pk)
    if found is None:
        raise Http404("No such colleague.")
    return found


@office_page(MANAGE)
def staff_list(request: HttpRequest, office: Office) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = staff_invite(
                company=office.company,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                name=form.cleaned_data["name"],
                actor=office.actor,
            )
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request,
                f"Invitation emailed to {membership.user.email} "
                f"({StaffRole(membership.role).label}).",
            )
            return redirect("office:staff:list")
    members = company_staff(company=office.company)
    rows = [(m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")) for m in members]
    owners = [m.pk for m in members if m.role == StaffRole.OWNER]
    # The company must keep an owner: no Remove button where it could only be refused.
    sole_owner = owners[0] if len(owners) == 1 else None
    return office_render(
        request,
        office,
        "office/staff/list.html",
        {"rows": rows, "form": form, "role_help": ROLE_HELP, "sole_owner": sole_owner},
        status=400 if form.errors else 200,
    )


@office_page(MANAGE)
def role_change(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    membership = _membership(office, pk)
    if request.method != "POST":
        return redirect("office:staff:list")
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    who = membership.user.email or membership.user.get_username()
    if not form.is_valid():
        messages.error(request, f"Choose a role for {who}.")
        return redirect("office:staff:list")
    try:
        staff_role_change(
            company=office.company,
            membership=membership,
            role=form.cleaned_data["role"],
            actor=office.actor,
        )
    except DomainError as error:
        messages.error(request, f"{who}: {error.message}")
    else:
        messages.success(request, f"{who} is now {StaffRole(membership.role).label}.")
    return redirect("office:staff:list")


@office_page(MANAGE)
def remove(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    membership = _membership(office, pk)
    who = membership.user.get_full_name() or membership.user.email
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            staff_remove(company=office.company, membership=membership, actor=office.actor)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{who} no longer works for {office.company.name}.")
        return redirect("office:staff:list")
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": f"Remove {who} from {office.company.name}?",
            "details": [
                ("Email", membership.user.email),
                ("Role", StaffRole(membership.role).label),
                (
                    "What happens",
                    "They can no longer open this company's office. "
                    "Nothing they did is deleted; you can invite them again later.",
                ),
            ],
            "confirm_label": "Remove",
            "cancel_url": reverse("office:staff:list"),
            "danger": True,
        },
    )


@never_cache
def welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invitation's link: choose a password. Opening it changes nothing; the POST sets the
    password, which makes the link stop working (the token hashes the password)."""
    try:
        user = (
            get_user_model()
            .objects.filter(pk=int(force_str(urlsafe_base64_decode(uidb64))))
            .first()
        )
    except (ValueError, TypeError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        response = render(request, "office/staff/welcome_used.html", status=410)
        response["Referrer-Policy"] = "no-referrer"
        return response
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff_password_set(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, "Your password is set. Sign in with your email and it.")
        return redirect("office:sign_in")
    response = render(
        request,
        "office/staff/welcome.html",
        {"form": form, "email": user.email},
        status=400 if form.errors else 200,
    )
    response["Referrer-Policy"] = "no-referrer"
    return response
